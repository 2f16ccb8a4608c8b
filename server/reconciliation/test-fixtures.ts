// Small builders for the engine's tests: three clients and terse invoice/payment constructors.
import type { ReconcileInput } from './reconcile-input';

type Invoice = ReconcileInput['invoices'][number];
type Payment = ReconcileInput['payments'][number];

export const CLIENTS: ReconcileInput['clients'] = [
  { id: 'c1', name: 'Contoso Dental Group LLC', email: 'ap@contosodental.com' },
  { id: 'c2', name: 'Northwind Traders', email: 'billing@northwind.example' },
  { id: 'c3', name: 'Fabrikam, Inc.', email: 'finance@fabrikam.example' },
];

/** An invoice issued on day `day` of January 2025 (so a lower day is older), due 30 days later. */
export function inv(id: string, client: string, number: string, amount: number, day = 1, currency = 'USD'): Invoice {
  const issued = new Date(Date.UTC(2025, 0, day));
  const due = new Date(issued.getTime() + 30 * 86_400_000);
  return { id, client_id: client, number, currency, amount_due: amount, issued_at: issued.toISOString().slice(0, 10), due_date: due.toISOString().slice(0, 10) };
}

let seq = 0;
/** A payment received in March 2025; `minute` orders payments of one test. */
export function pay(amount: number, fields: Partial<Payment> = {}, minute = 0): Payment {
  seq++;
  return {
    id: fields.id ?? `p${seq}`,
    client_id: 'c1',
    payer_name: null,
    payer_email: null,
    currency: 'USD',
    amount,
    received_at: new Date(Date.UTC(2025, 2, 1, 12, minute)).toISOString(),
    reference: null,
    ...fields,
  };
}

export function input(invoices: Invoice[], payments: Payment[], tolerance = 0, clients = CLIENTS): ReconcileInput {
  return { clients, invoices, payments, settings: { underpayment_tolerance: tolerance } };
}
