import { BaseElement, type Collected } from './element-base.js';
import { MANDATE_TEXT, bankFields, cardFields, type Field } from './fields.js';
import type { Appearance } from './styles.js';

// Inline SVG icons: emoji fonts are often missing on CI browsers.
const SVG = (paths: string) => `<svg width="20" height="16" viewBox="0 0 20 16" fill="none" stroke="currentColor" stroke-width="1.5">${paths}</svg>`;
const LABELS: Record<string, { label: string; icon: string }> = {
  card: { label: 'Card', icon: SVG('<rect x="1" y="2" width="18" height="12" rx="2"/><path d="M1 6h18M4 11h4"/>') },
  us_bank_account: { label: 'US bank account', icon: SVG('<path d="M2 6l8-4 8 4M3 6h14M4 7v5M8 7v5M12 7v5M16 7v5M2 14h16"/>') },
};

/**
 * The Payment Element: a tab per allowed payment method type (Card / US bank account) with
 * labelled test inputs. `change` events carry `{complete, empty, collapsed, value: {type}}`.
 */
export class PaymentElement extends BaseElement {
  private selected = '';
  private card = cardFields();
  private bank = bankFields();
  private visible: Field[] = [];

  constructor(
    options: Record<string, unknown>,
    appearance: () => Appearance | undefined,
    private readonly types: () => string[] | null,
  ) {
    super('payment', options, appearance);
  }

  /** Called by Elements when the intent (and so the allowed types) is known or changed. */
  refresh(): void {
    if (this.root) this.render();
  }

  protected render(): void {
    const root = this.root;
    if (!root) return;
    const types = (this.types() ?? []).filter((t) => LABELS[t]);
    if (types.length === 0) {
      root.replaceChildren(Object.assign(document.createElement('div'), { className: 'se-note', textContent: 'Loading payment methods…' }));
      return;
    }
    if (!types.includes(this.selected)) this.selected = types[0] ?? 'card';
    const badge = Object.assign(document.createElement('div'), { className: 'se-test-badge', textContent: 'TEST MODE · Stripe emulator' });
    const children: HTMLElement[] = [badge];
    if (types.length > 1) {
      const tabs = document.createElement('div');
      tabs.className = 'se-tabs';
      tabs.setAttribute('role', 'tablist');
      tabs.setAttribute('aria-label', 'Payment method');
      for (const t of types) {
        const tab = document.createElement('button');
        tab.type = 'button';
        tab.className = 'se-tab';
        tab.setAttribute('role', 'tab');
        tab.setAttribute('aria-selected', String(t === this.selected));
        tab.dataset.type = t;
        const icon = Object.assign(document.createElement('span'), { className: 'se-tab-icon', innerHTML: LABELS[t]?.icon ?? '' });
        icon.setAttribute('aria-hidden', 'true');
        tab.append(icon, document.createTextNode(LABELS[t]?.label ?? t));
        tab.addEventListener('click', () => {
          this.selected = t;
          this.render();
          this.changed();
        });
        tabs.append(tab);
      }
      children.push(tabs);
    }
    const panel = document.createElement('div');
    panel.setAttribute('role', types.length > 1 ? 'tabpanel' : 'group');
    panel.setAttribute('aria-label', LABELS[this.selected]?.label ?? this.selected);
    if (this.selected === 'card') {
      const grid = document.createElement('div');
      grid.className = 'se-grid';
      this.card.number.wrapper.classList.add('se-wide');
      grid.append(this.card.number.wrapper, this.card.expiry.wrapper, this.card.cvc.wrapper);
      panel.append(grid);
      this.visible = this.card.all;
    } else {
      const grid = document.createElement('div');
      grid.className = 'se-grid';
      for (const f of this.bank.all) grid.append(f.wrapper);
      grid.append(Object.assign(document.createElement('p'), { className: 'se-note', textContent: MANDATE_TEXT }));
      panel.append(grid);
      this.visible = this.bank.all;
    }
    children.push(panel);
    root.replaceChildren(...children);
    this.wire(this.visible);
  }

  get selectedType(): string {
    return this.selected || (this.types() ?? ['card'])[0] || 'card';
  }

  collect(showErrors: boolean): Collected {
    const type = this.selectedType;
    const problem = this.validateAll(this.visible, showErrors);
    if (problem) return { ok: false, data: {}, type, message: problem };
    const billing = (this.options.defaultValues as { billingDetails?: Record<string, string> } | undefined)?.billingDetails ?? {};
    return { ok: true, type, data: type === 'card' ? { ...this.card.data(), billing_details: billing } : this.bank.data(billing) };
  }

  protected changeEvent(): Record<string, unknown> {
    return { complete: this.validateAll(this.visible, false) === null, empty: this.isEmpty(this.visible), collapsed: false, value: { type: this.selectedType } };
  }
}
