// The engine's working state for one run: every invoice with its still-open amount, indexed by client
// (oldest first), by invoice-number key and by (currency, open amount). Payments are applied to it
// one by one, so each payment sees the invoices still open after the ones before it.
import { invoiceNumberKey, invoiceNumberPrefix } from './extract-invoice-numbers';
import type { ReconcileInvoice } from './reconcile-input';

const time = (iso: string) => Date.parse(iso);
const compareIds = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export class InvoiceBook {
  /** Invoices in age order: issued_at, then due_date, then id. An invoice's index is its age rank. */
  readonly invoices: ReconcileInvoice[];
  readonly client: number[];
  readonly currency: string[];
  readonly open: number[];
  private readonly byClient = new Map<number, number[]>();
  private readonly byKey = new Map<string, number[]>();
  private readonly byAmount = new Map<string, Set<number>>();
  readonly prefixes = new Set<string>();

  constructor(invoices: readonly ReconcileInvoice[], clientIndex: ReadonlyMap<string, number>) {
    const keyed = invoices.map((inv) => ({ inv, issued: time(inv.issued_at), due: time(inv.due_date), id: String(inv.id) }));
    keyed.sort((a, b) => a.issued - b.issued || a.due - b.due || compareIds(a.id, b.id));
    this.invoices = keyed.map((k) => k.inv);
    this.client = this.invoices.map((inv) => clientIndex.get(String(inv.client_id))!);
    this.currency = this.invoices.map((inv) => inv.currency.toUpperCase());
    this.open = this.invoices.map((inv) => inv.amount_due);
    this.invoices.forEach((inv, i) => {
      const list = this.byClient.get(this.client[i]!);
      if (list) list.push(i);
      else this.byClient.set(this.client[i]!, [i]);
      const key = invoiceNumberKey(inv.number);
      if (key !== null) {
        const same = this.byKey.get(key);
        if (same) same.push(i);
        else this.byKey.set(key, [i]);
      }
      const prefix = invoiceNumberPrefix(inv.number);
      if (prefix) this.prefixes.add(prefix);
      if (this.open[i]! > 0) this.indexAmount(i);
    });
  }

  hasKey = (key: string): boolean => this.byKey.has(key);

  withKey(key: string): readonly number[] {
    return this.byKey.get(key) ?? [];
  }

  /** The client's invoices still open in the currency, oldest first. */
  openFor(client: number, currency: string): number[] {
    return (this.byClient.get(client) ?? []).filter((i) => this.open[i]! > 0 && this.currency[i] === currency);
  }

  /** Whether the client has anything open in another currency (to explain a currency mismatch). */
  hasOpenInOtherCurrency(client: number, currency: string): boolean {
    return (this.byClient.get(client) ?? []).some((i) => this.open[i]! > 0 && this.currency[i] !== currency);
  }

  /** Open invoices of any client with exactly this open amount, oldest first. */
  openWithAmount(currency: string, amount: number): number[] {
    return [...(this.byAmount.get(`${currency}:${amount}`) ?? [])].sort((a, b) => a - b);
  }

  /** Reduces an invoice's open amount by an allocation or a write-off. */
  reduce(i: number, amount: number): void {
    this.unindexAmount(i);
    this.open[i] = this.open[i]! - amount;
    if (this.open[i]! > 0) this.indexAmount(i);
  }

  private indexAmount(i: number): void {
    const k = `${this.currency[i]}:${this.open[i]}`;
    const set = this.byAmount.get(k);
    if (set) set.add(i);
    else this.byAmount.set(k, new Set([i]));
  }

  private unindexAmount(i: number): void {
    const k = `${this.currency[i]}:${this.open[i]}`;
    const set = this.byAmount.get(k);
    set?.delete(i);
    if (set?.size === 0) this.byAmount.delete(k);
  }
}
