import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PaymentIntentRecord, SetupIntentRecord } from '../core/account-state.js';
import type { Emulator } from '../core/emulator.js';
import { StripeError } from '../core/stripe-error.js';
import { parseForm } from '../http/parse-form.js';
import { escapeHtml as escape, sendPage } from './html-page.js';
import { verifyPaymentIntentMicrodeposits } from './payment-intents/verify-payment-intent-microdeposits.js';
import { verifySetupIntentMicrodeposits } from './setup-intents/save-setup-intent.js';

function page(res: ServerResponse, status: number, body: string): void {
  sendPage(res, status, 'Verify your bank account', body);
}

/** The `hosted_verification_url` page: a form posting amounts or a descriptor code. */
export function hostedMicrodepositsPage(em: Emulator) {
  return (req: IncomingMessage, res: ServerResponse, url: URL, body: string): boolean => {
    const m = /^\/_emulator\/microdeposits\/(acct_[A-Za-z0-9]+)\/((?:seti|pi)_[A-Za-z0-9]+)$/.exec(url.pathname);
    if (!m) return false;
    const account = em.state.accounts.get(m[1] ?? '');
    const id = m[2] ?? '';
    const rec = id.startsWith('pi_') ? account?.paymentIntents.get(id) : account?.setupIntents.get(id);
    if (!account || !rec) {
      page(res, 404, '<p>Unknown verification link.</p>');
      return true;
    }
    const type = rec.meta.microdeposits?.type ?? em.options.microdepositType;
    if (req.method === 'POST') {
      const form = parseForm(body);
      try {
        const input =
          type === 'amounts'
            ? { amounts: [Number(form.amount1), Number(form.amount2)] }
            : { descriptor_code: typeof form.descriptor_code === 'string' ? form.descriptor_code : '' };
        if (rec.object.object === 'payment_intent') verifyPaymentIntentMicrodeposits(em, account, rec as PaymentIntentRecord, input);
        else verifySetupIntentMicrodeposits(em, account, rec as SetupIntentRecord, input);
        page(res, 200, '<p id="result">Your bank account has been verified.</p>');
      } catch (err) {
        const message = err instanceof StripeError ? err.fields.message : 'Verification failed.';
        page(res, 400, `<p id="result">${escape(message)}</p>`);
      }
      return true;
    }
    const fields =
      type === 'amounts'
        ? '<label>Amount 1 (cents) <input name="amount1"></label><label>Amount 2 (cents) <input name="amount2"></label>'
        : '<label>Descriptor code <input name="descriptor_code" placeholder="SM11AA"></label>';
    page(res, 200, `<h1>Verify your bank account</h1><p>Status: ${escape(rec.object.status)}</p><form method="post">${fields}<div class="actions"><button class="primary" type="submit">Verify</button></div></form>`);
    return true;
  };
}
