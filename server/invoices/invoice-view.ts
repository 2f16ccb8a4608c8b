import type { Knex } from 'knex';
import { localDate } from '../installations/local-date';

export type InvoiceStatus = 'open' | 'processing' | 'partially_paid' | 'paid' | 'overpaid' | 'void';

export interface InvoiceRow {
  id: string;
  client_id: string;
  psa_ref: string;
  number: string;
  currency: string;
  total: number;
  amount_paid: number;
  amount_remaining: number;
  status: InvoiceStatus;
  issued_at: string;
  due_date: string;
}

export interface InvoiceView {
  id: string;
  number: string;
  psaRef: string;
  currency: string;
  total: number;
  amountPaid: number;
  amountRemaining: number;
  status: InvoiceStatus;
  overdue: boolean;
  issuedAt: string;
  dueDate: string;
}

/** Statuses whose remaining amount the client still owes and may be asked to pay. */
export const PAYABLE_STATUSES: readonly InvoiceStatus[] = ['open', 'partially_paid'];
/** Statuses that are not settled yet: payable ones plus money in flight (ACH processing). */
export const UNSETTLED_STATUSES: readonly InvoiceStatus[] = ['open', 'partially_paid', 'processing'];

export const INVOICE_COLUMNS = [
  'invoices.id',
  'invoices.client_id',
  'invoices.psa_ref',
  'invoices.number',
  'invoices.currency',
  'invoices.total',
  'invoices.amount_paid',
  'invoices.amount_remaining',
  'invoices.status',
  'invoices.issued_at',
  'invoices.due_date',
];

/** Overdue is derived, never stored: payable and due before today in the MSP's timezone. */
export function isOverdue(row: Pick<InvoiceRow, 'status' | 'due_date'>, today: string): boolean {
  return PAYABLE_STATUSES.includes(row.status) && row.due_date < today;
}

export function toInvoiceView(row: InvoiceRow, today: string): InvoiceView {
  return {
    id: row.id,
    number: row.number,
    psaRef: row.psa_ref,
    currency: row.currency,
    total: row.total,
    amountPaid: row.amount_paid,
    amountRemaining: row.amount_remaining,
    status: row.status,
    overdue: isOverdue(row, today),
    issuedAt: row.issued_at,
    dueDate: row.due_date,
  };
}

/** Today's date where the installation is (its configured timezone). */
export async function installationToday(db: Knex | Knex.Transaction, installationId: string, now: Date): Promise<{ today: string; currency: string }> {
  const inst = (await db('installations').where({ id: installationId }).first('timezone', 'currency')) as { timezone: string; currency: string };
  return { today: localDate(now, inst.timezone), currency: inst.currency };
}
