// The engine's working state for one run: every invoice with its still-open amount, indexed by client
// and currency (open ones, oldest first), by invoice-number key and by (currency, open amount).
// Payments are applied to it one by one, so each payment sees what the ones before it left open.
// Built for 100,000+ invoices per call: typed arrays, dates parsed once per distinct string, keys
// read without regular expressions, and indexes updated in place as amounts change (the amount index
// keeps stale entries until it is read, then drops them).
import { invoiceNumberKey, invoiceNumberPrefix } from './extract-invoice-numbers';
import type { ReconcileInvoice } from './reconcile-input';

const compareIds = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function push<K>(map: Map<K, number[]>, key: K, value: number): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Parses each distinct date string once: invoices share a few hundred issue and due dates. */
export function dateParser(): (iso: string) => number {
  const seen = new Map<string, number>();
  return (iso) => {
    let t = seen.get(iso);
    if (t === undefined) seen.set(iso, (t = Date.parse(iso)));
    return t;
  };
}

export class InvoiceBook {
  /** Invoices in age order: issued_at, then due_date, then id. An invoice's index is its age rank. */
  readonly invoices: ReconcileInvoice[];
  readonly client: Int32Array;
  readonly currency: string[];
  readonly open: Float64Array;
  /** Invoice-number keys ("1043"), null for numbers without digits. */
  readonly keys: Array<string | null>;
  readonly prefixes = new Set<string>();
  private readonly currencies = new Map<string, number>();
  private readonly currencyCode: Int32Array;
  /** (client, currency code) → open invoices, oldest first; closed ones are removed as they close. */
  private readonly openLists = new Map<number, number[]>();
  /**
   * Key → the invoice with it, or the list when several share it. Plain numbers of up to nine digits
   * (nearly every PSA's) are kept under their numeric value: small-integer keys hash for free, while a
   * string key sliced out of a memo is hashed again on every lookup.
   */
  private readonly byNumber = new Map<number, number | number[]>();
  private readonly byKey = new Map<string, number | number[]>();
  /** Per currency code: amount → invoices that had it open at some point (append-only, see above). */
  private readonly byAmount: Array<Map<number, number[]>> = [];

  constructor(invoices: readonly ReconcileInvoice[], clientIndex: ReadonlyMap<string, number>) {
    const n = invoices.length;
    const parse = dateParser();
    const issued = new Float64Array(n);
    const due = new Float64Array(n);
    const ids: string[] = new Array<string>(n);
    for (let k = 0; k < n; k++) {
      const inv = invoices[k]!;
      issued[k] = parse(inv.issued_at);
      due[k] = parse(inv.due_date);
      ids[k] = String(inv.id);
    }
    const order = Array.from({ length: n }, (_, k) => k);
    order.sort((a, b) => issued[a]! - issued[b]! || due[a]! - due[b]! || compareIds(ids[a]!, ids[b]!));
    this.invoices = new Array<ReconcileInvoice>(n);
    this.client = new Int32Array(n);
    this.currencyCode = new Int32Array(n);
    this.currency = new Array<string>(n);
    this.open = new Float64Array(n);
    this.keys = new Array<string | null>(n);
    for (let i = 0; i < n; i++) {
      const k = order[i]!;
      const inv = invoices[k]!;
      this.invoices[i] = inv;
      this.client[i] = clientIndex.get(String(inv.client_id))!;
      const currency = inv.currency.length === 3 && inv.currency === inv.currency.toUpperCase() ? inv.currency : inv.currency.toUpperCase();
      this.currency[i] = currency;
      this.currencyCode[i] = this.codeOf(currency);
      this.open[i] = inv.amount_due;
      const key = invoiceNumberKey(inv.number);
      this.keys[i] = key;
      if (key !== null) {
        const number = numericKey(key);
        if (number >= 0) addTo(this.byNumber, number, i);
        else addTo(this.byKey, key, i);
      }
      // Numbers of one PSA share their prefix: a known one is not read again.
      const lead = leadingLetters(inv.number);
      if (lead.length < 2 || !this.prefixes.has(lead.toLowerCase())) {
        const prefix = invoiceNumberPrefix(inv.number);
        if (prefix) this.prefixes.add(prefix);
      }
      if (inv.amount_due > 0) {
        push(this.byAmount[this.currencyCode[i]!]!, inv.amount_due, i);
        push(this.openLists, this.listKey(this.client[i]!, this.currencyCode[i]!), i);
      }
    }
  }

  hasKey = (key: string): boolean => {
    const number = numericKey(key);
    return number >= 0 ? this.byNumber.has(number) : this.byKey.has(key);
  };

  withKey(key: string): readonly number[] {
    const number = numericKey(key);
    const found = number >= 0 ? this.byNumber.get(number) : this.byKey.get(key);
    return found === undefined ? [] : typeof found === 'number' ? [found] : found;
  }

  /** The client's invoices still open in the currency, oldest first. Do not modify. */
  openFor(client: number, currency: string): readonly number[] {
    const code = this.currencies.get(currency);
    return code === undefined ? [] : (this.openLists.get(this.listKey(client, code)) ?? []);
  }

  /** Whether the client has anything open in another currency (to explain a currency mismatch). */
  hasOpenInOtherCurrency(client: number, currency: string): boolean {
    for (const [c, code] of this.currencies) if (c !== currency && (this.openLists.get(this.listKey(client, code))?.length ?? 0) > 0) return true;
    return false;
  }

  /** The `limit` oldest open invoices of any client with exactly this open amount, oldest first. */
  openWithAmount(currency: string, amount: number, limit: number): number[] {
    const list = this.withAmount(currency, amount);
    return list.slice(0, limit);
  }

  /** The one client with open invoices of exactly this amount in the currency, or null (none or several). */
  onlyClientWithOpenAmount(currency: string, amount: number): number | null {
    const list = this.withAmount(currency, amount);
    if (list.length === 0) return null;
    const only = this.client[list[0]!]!;
    for (const i of list) if (this.client[i] !== only) return null;
    return only;
  }

  /**
   * The invoices with exactly this open amount, oldest first. The index keeps an amount's list in
   * age order and drops entries whose invoice no longer has the amount when it is read, so reading
   * costs what is still there, not everything that ever was.
   */
  private withAmount(currency: string, amount: number): readonly number[] {
    const code = this.currencies.get(currency);
    const list = code === undefined ? undefined : this.byAmount[code]!.get(amount);
    if (!list) return [];
    let kept = 0;
    for (const i of list) if (this.open[i] === amount) list[kept++] = i;
    list.length = kept;
    return list;
  }

  /** Reduces an invoice's open amount by an allocation or a write-off. */
  reduce(i: number, amount: number): void {
    const left = this.open[i]! - amount;
    this.open[i] = left;
    if (left > 0) insertInOrder(this.byAmount[this.currencyCode[i]!]!, left, i);
    else {
      const list = this.openLists.get(this.listKey(this.client[i]!, this.currencyCode[i]!))!;
      const at = list.indexOf(i);
      if (at >= 0) list.splice(at, 1);
    }
  }

  private listKey(client: number, code: number): number {
    return client * 1024 + code;
  }

  private codeOf(currency: string): number {
    let code = this.currencies.get(currency);
    if (code === undefined) {
      code = this.currencies.size;
      this.currencies.set(currency, code);
      this.byAmount.push(new Map());
    }
    return code;
  }
}

/** A key of 1–9 digits without a leading zero as its number ("0" too), else −1. */
function numericKey(key: string): number {
  if (key.length > 9 || (key.length > 1 && key.charCodeAt(0) === 48)) return -1;
  let n = 0;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return key.length === 0 ? -1 : n;
}

function addTo<K>(map: Map<K, number | number[]>, key: K, i: number): void {
  const had = map.get(key);
  if (had === undefined) map.set(key, i);
  else if (typeof had === 'number') map.set(key, [had, i]);
  else had.push(i);
}

/** Adds an invoice to an amount's list, keeping the list in age (index) order. */
function insertInOrder(map: Map<number, number[]>, amount: number, i: number): void {
  const list = map.get(amount);
  if (!list) {
    map.set(amount, [i]);
    return;
  }
  let at = list.length;
  while (at > 0 && list[at - 1]! > i) at--;
  list.splice(at, 0, i);
}

/** The letters an invoice number starts with ("INV-1043" → "INV"), without a regular expression. */
function leadingLetters(number: string): string {
  let end = 0;
  while (end < number.length) {
    const c = number.charCodeAt(end) | 32;
    if (c < 97 || c > 122) break;
    end++;
  }
  return number.slice(0, end);
}
