import { BaseElement, type Collected } from './element-base.js';
import { cardBrand, cardFields } from './fields.js';
import type { Appearance } from './styles.js';

/** The classic `card` Element: number, expiry and CVC on one row. */
export class CardElement extends BaseElement {
  private card = cardFields();

  constructor(options: Record<string, unknown>, appearance: () => Appearance | undefined) {
    super('card', options, appearance);
  }

  protected render(): void {
    if (!this.root) return;
    const row = document.createElement('div');
    row.className = 'se-card-row';
    row.setAttribute('role', 'group');
    row.setAttribute('aria-label', 'Card details');
    row.append(this.card.number.wrapper, this.card.expiry.wrapper, this.card.cvc.wrapper);
    this.root.replaceChildren(row);
    this.wire(this.card.all);
  }

  collect(showErrors: boolean): Collected {
    const problem = this.validateAll(this.card.all, showErrors);
    if (problem) return { ok: false, data: {}, type: 'card', message: problem };
    return { ok: true, type: 'card', data: this.card.data() };
  }

  protected changeEvent(): Record<string, unknown> {
    const problem = this.validateAll(this.card.all, false);
    const number = this.card.number.input.value.replace(/\D/g, '');
    return { complete: problem === null, empty: this.isEmpty(this.card.all), brand: cardBrand(number), error: undefined, value: { postalCode: '' } };
  }
}
