// The engine's working state for one run: every invoice with its still-open amount, indexed by client
// and currency (open ones, oldest first), by invoice-number key and by (currency, open amount).
// Payments are applied to it one by one, so each payment sees what the ones before it left open.
// Indexes are keyed by numbers, not built strings: 100,000 payments touch them millions of times.
import { invoiceNumberKey, invoiceNumberPrefix } from './extract-invoice-numbers';
import type { ReconcileInvoice } from './reconcile-input';

const compareIds = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function push<K>(map: Map<K, number[]>, key: K, value: number): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export class InvoiceBook {
  /** Invoices in age order: issued_at, then due_date, then id. An invoice's index is its age rank. */
  readonly invoices: ReconcileInvoice[];
  readonly client: Int32Array;
  readonly currency: string[];
  readonly open: number[];
  /** Invoice-number keys ("1043"), null for numbers without digits. */
  readonly keys: Array<string | null>;
  readonly prefixes = new Set<string>();
  private readonly currencies = new Map<string, number>();
  private readonly currencyCode: Int32Array;
  /** (client, currency code) → open invoices, oldest first; closed ones are removed as they close. */
  private readonly openLists = new Map<number, number[]>();
  private readonly byKey = new Map<string, number[]>();
  /** Per currency code: open amount → invoices with it. */
  private readonly byAmount: Array<Map<number, Set<number>>> = [];

  constructor(invoices: readonly ReconcileInvoice[], clientIndex: ReadonlyMap<string, number>) {
    const keyed = invoices.map((inv) => ({ inv, issued: Date.parse(inv.issued_at), due: Date.parse(inv.due_date), id: String(inv.id) }));
    keyed.sort((a, b) => a.issued - b.issued || a.due - b.due || compareIds(a.id, b.id));
    const n = keyed.length;
    this.invoices = keyed.map((k) => k.inv);
    this.client = new Int32Array(n);
    this.currencyCode = new Int32Array(n);
    this.currency = [];
    this.open = [];
    this.keys = [];
    for (let i = 0; i < n; i++) {
      const inv = this.invoices[i]!;
      this.client[i] = clientIndex.get(String(inv.client_id))!;
      const currency = inv.currency.toUpperCase();
      this.currency.push(currency);
      this.currencyCode[i] = this.codeOf(currency);
      this.open.push(inv.amount_due);
      const key = invoiceNumberKey(inv.number);
      this.keys.push(key);
      if (key !== null) push(this.byKey, key, i);
      const prefix = invoiceNumberPrefix(inv.number);
      if (prefix) this.prefixes.add(prefix);
      if (this.open[i]! > 0) {
        this.amountSet(i, true)!.add(i);
        push(this.openLists, this.listKey(this.client[i]!, this.currencyCode[i]!), i);
      }
    }
  }

  hasKey = (key: string): boolean => this.byKey.has(key);

  withKey(key: string): readonly number[] {
    return this.byKey.get(key) ?? [];
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
    const code = this.currencies.get(currency);
    const oldest: number[] = [];
    for (const i of code === undefined ? [] : (this.byAmount[code]!.get(amount) ?? [])) {
      if (oldest.length === limit && i > oldest[limit - 1]!) continue;
      let at = oldest.length;
      while (at > 0 && oldest[at - 1]! > i) at--;
      oldest.splice(at, 0, i);
      if (oldest.length > limit) oldest.pop();
    }
    return oldest;
  }

  /** The one client with open invoices of exactly this amount in the currency, or null (none or several). */
  onlyClientWithOpenAmount(currency: string, amount: number): number | null {
    const code = this.currencies.get(currency);
    let only: number | null = null;
    for (const i of code === undefined ? [] : (this.byAmount[code]!.get(amount) ?? [])) {
      if (only === null) only = this.client[i]!;
      else if (only !== this.client[i]) return null;
    }
    return only;
  }

  /** Reduces an invoice's open amount by an allocation or a write-off. */
  reduce(i: number, amount: number): void {
    this.amountSet(i, false)?.delete(i);
    this.open[i] = this.open[i]! - amount;
    if (this.open[i]! > 0) this.amountSet(i, true)!.add(i);
    else {
      const list = this.openLists.get(this.listKey(this.client[i]!, this.currencyCode[i]!))!;
      list.splice(list.indexOf(i), 1);
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

  private amountSet(i: number, create: boolean): Set<number> | undefined {
    const byAmount = this.byAmount[this.currencyCode[i]!]!;
    let set = byAmount.get(this.open[i]!);
    if (!set && create) byAmount.set(this.open[i]!, (set = new Set()));
    return set;
  }
}
