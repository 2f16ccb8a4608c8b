import type { Params } from './api.js';
import { MANDATE_TEXT, bankFields, showError } from './fields.js';
import { ensureStyles } from './styles.js';

function overlay(label: string): { overlay: HTMLElement; dialog: HTMLElement } {
  ensureStyles();
  const outer = document.createElement('div');
  outer.className = 'se-overlay se-root';
  const dialog = document.createElement('div');
  dialog.className = 'se-dialog';
  dialog.setAttribute('role', 'dialog');
  dialog.setAttribute('aria-modal', 'true');
  dialog.setAttribute('aria-label', label);
  outer.append(dialog);
  document.body.append(outer);
  return { overlay: outer, dialog };
}

/**
 * Shows the emulator's 3-D Secure page in a modal frame (as Stripe.js does with the issuer's
 * challenge) and resolves when the page reports the customer's answer.
 */
export function authenticateInFrame(url: string, intentId: string): Promise<void> {
  return new Promise((resolve) => {
    const { overlay: outer, dialog } = overlay('3D Secure authentication');
    const frame = document.createElement('iframe');
    frame.src = url;
    frame.title = '3D Secure authentication';
    dialog.append(frame);
    const onMessage = (event: MessageEvent): void => {
      const data = event.data as { type?: string; intent?: string } | null;
      if (data?.type !== 'stripe-emulator-3ds' || data.intent !== intentId) return;
      window.removeEventListener('message', onMessage);
      outer.remove();
      resolve();
    };
    window.addEventListener('message', onMessage);
  });
}

/**
 * The bank-account collection dialog of `collectBankAccountForSetup`/`ForPayment` (standing in for
 * Financial Connections, manual entry only). Resolves with `payment_method_data`, or null when
 * the customer cancels.
 */
export function collectBankAccount(billing: Params): Promise<Params | null> {
  return new Promise((resolve) => {
    const { overlay: outer, dialog } = overlay('Link your bank account');
    const heading = Object.assign(document.createElement('h2'), { textContent: 'Link your bank account' });
    const fields = bankFields(typeof billing.name === 'string' ? billing.name : '');
    const form = document.createElement('form');
    const grid = document.createElement('div');
    grid.className = 'se-grid';
    for (const f of fields.all) grid.append(f.wrapper);
    grid.append(Object.assign(document.createElement('p'), { className: 'se-note', textContent: MANDATE_TEXT }));
    const actions = document.createElement('div');
    actions.className = 'se-actions';
    const cancel = Object.assign(document.createElement('button'), { type: 'button', className: 'se-button', textContent: 'Cancel' });
    const submit = Object.assign(document.createElement('button'), { type: 'submit', className: 'se-button se-primary', textContent: 'Link account' });
    actions.append(cancel, submit);
    form.append(grid, actions);
    dialog.append(heading, form);
    cancel.addEventListener('click', () => {
      outer.remove();
      resolve(null);
    });
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      let ok = true;
      for (const f of fields.all) {
        const message = f.validate();
        showError(f, message);
        if (message) ok = false;
      }
      if (!ok) return;
      outer.remove();
      resolve(fields.data(billing));
    });
    fields.all[0]?.input.focus();
  });
}
