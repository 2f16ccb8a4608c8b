import type { Params } from './api.js';

let counter = 0;

export interface Field {
  wrapper: HTMLElement;
  input: HTMLInputElement | HTMLSelectElement;
  error: HTMLElement;
  /** Error message for the current value, or null when valid. Empty values report `emptyMessage`. */
  validate(): string | null;
}

interface FieldOptions {
  label: string;
  name: string;
  placeholder?: string;
  autocomplete?: string;
  inputMode?: 'numeric' | 'text';
  wide?: boolean;
  options?: [string, string][];
  validate: (value: string) => string | null;
  format?: (value: string) => string;
}

/** A labelled input with its own error line (`aria-describedby`), in the emulator's field style. */
export function createField(o: FieldOptions): Field {
  const id = `se-${o.name}-${++counter}`;
  const wrapper = document.createElement('div');
  wrapper.className = `se-field${o.wide ? ' se-wide' : ''}`;
  const label = document.createElement('label');
  label.className = 'se-label';
  label.htmlFor = id;
  label.textContent = o.label;
  let input: HTMLInputElement | HTMLSelectElement;
  if (o.options) {
    const select = document.createElement('select');
    for (const [value, text] of o.options) select.add(new Option(text, value));
    input = select;
  } else {
    const text = document.createElement('input');
    text.type = 'text';
    if (o.placeholder) text.placeholder = o.placeholder;
    if (o.inputMode) text.inputMode = o.inputMode;
    text.spellcheck = false;
    input = text;
  }
  input.id = id;
  input.name = o.name;
  input.className = 'se-input';
  if (o.autocomplete) input.autocomplete = o.autocomplete as AutoFill;
  const error = document.createElement('div');
  error.className = 'se-error';
  error.id = `${id}-error`;
  error.setAttribute('role', 'alert');
  input.setAttribute('aria-describedby', error.id);
  if (o.format && input instanceof HTMLInputElement) {
    const format = o.format;
    input.addEventListener('input', () => {
      const el = input as HTMLInputElement;
      el.value = format(el.value);
    });
  }
  wrapper.append(label, input, error);
  return { wrapper, input, error, validate: () => o.validate(input.value.trim()) };
}

export function showError(field: Field, message: string | null): void {
  field.error.textContent = message ?? '';
  field.input.setAttribute('aria-invalid', message ? 'true' : 'false');
}

const digits = (v: string): string => v.replace(/\D/g, '');

export function luhn(number: string): boolean {
  let sum = 0;
  for (let i = 0; i < number.length; i++) {
    let d = Number(number[number.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return number.length >= 12 && sum % 10 === 0;
}

export function cardBrand(number: string): string {
  if (/^3[47]/.test(number)) return 'amex';
  if (/^(5[1-5]|2[2-7])/.test(number)) return 'mastercard';
  if (/^6/.test(number)) return 'discover';
  if (/^4/.test(number)) return 'visa';
  return 'unknown';
}

/** Card number, expiry and CVC fields with Stripe.js's validation messages. */
export function cardFields(): { number: Field; expiry: Field; cvc: Field; all: Field[]; data(): Params } {
  const number = createField({
    label: 'Card number',
    name: 'cardnumber',
    placeholder: '1234 1234 1234 1234',
    autocomplete: 'cc-number',
    inputMode: 'numeric',
    format: (v) => digits(v).slice(0, 19).replace(/(\d{4})(?=\d)/g, '$1 '),
    validate: (v) => (v === '' ? 'Your card number is incomplete.' : luhn(digits(v)) ? null : 'Your card number is invalid.'),
  });
  const expiry = createField({
    label: 'Expiration date',
    name: 'exp-date',
    placeholder: 'MM / YY',
    autocomplete: 'cc-exp',
    inputMode: 'numeric',
    format: (v) => {
      const d = digits(v).slice(0, 4);
      return d.length > 2 ? `${d.slice(0, 2)} / ${d.slice(2)}` : d;
    },
    validate: (v) => {
      const d = digits(v);
      if (d.length < 4) return "Your card's expiration date is incomplete.";
      const month = Number(d.slice(0, 2));
      const year = 2000 + Number(d.slice(2, 4));
      const now = new Date();
      if (month < 1 || month > 12) return "Your card's expiration date is invalid.";
      if (year < now.getFullYear() || (year === now.getFullYear() && month < now.getMonth() + 1)) return "Your card's expiration year is in the past.";
      return null;
    },
  });
  const cvc = createField({
    label: 'Security code',
    name: 'cvc',
    placeholder: 'CVC',
    autocomplete: 'cc-csc',
    inputMode: 'numeric',
    format: (v) => digits(v).slice(0, 4),
    validate: (v) => (digits(v).length >= 3 ? null : "Your card's security code is incomplete."),
  });
  return {
    number,
    expiry,
    cvc,
    all: [number, expiry, cvc],
    data: () => {
      const exp = digits(expiry.input.value);
      return { type: 'card', card: { number: digits(number.input.value), exp_month: Number(exp.slice(0, 2)), exp_year: 2000 + Number(exp.slice(2, 4)), cvc: digits(cvc.input.value) } };
    },
  };
}

/** Account holder, routing/account numbers and account/holder types for `us_bank_account`. */
export function bankFields(defaultName = ''): { all: Field[]; data(extraBilling?: Params): Params } {
  const name = createField({ label: 'Account holder name', name: 'account-holder-name', autocomplete: 'name', wide: true, validate: (v) => (v ? null : 'Enter the account holder name.') });
  (name.input as HTMLInputElement).value = defaultName;
  const routing = createField({
    label: 'Routing number',
    name: 'routing-number',
    placeholder: '110000000',
    inputMode: 'numeric',
    format: (v) => digits(v).slice(0, 9),
    validate: (v) => (/^\d{9}$/.test(v) ? null : 'Routing number must have 9 digits.'),
  });
  const account = createField({
    label: 'Account number',
    name: 'account-number',
    placeholder: '000123456789',
    inputMode: 'numeric',
    format: (v) => digits(v).slice(0, 17),
    validate: (v) => (/^\d{4,17}$/.test(v) ? null : 'Account number must have 4 to 17 digits.'),
  });
  const type = createField({ label: 'Account type', name: 'account-type', options: [['checking', 'Checking'], ['savings', 'Savings']], validate: () => null });
  const holder = createField({ label: 'Account holder type', name: 'account-holder-type', options: [['individual', 'Individual'], ['company', 'Company']], validate: () => null });
  return {
    all: [name, routing, account, type, holder],
    data: (extraBilling = {}) => ({
      type: 'us_bank_account',
      us_bank_account: { routing_number: routing.input.value.trim(), account_number: account.input.value.trim(), account_type: type.input.value, account_holder_type: holder.input.value },
      billing_details: { ...extraBilling, name: name.input.value.trim() },
    }),
  };
}

export const MANDATE_TEXT =
  'By providing your bank account details, you authorize this business to debit your account for the amounts due, now and in the future, according to your agreement with them, and confirm that you have read the ACH debit mandate. You can revoke this authorization by contacting the business. (Test mode: no real debit happens.)';
