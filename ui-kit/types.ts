/**
 * Shapes shared by the client portal and the technician UI, exactly as the server returns them.
 * Money is always an integer amount of minor units plus an ISO 4217 currency code.
 */

/** Every invoice status the server can report. `StatusBadge` renders each one exhaustively. */
export type InvoiceStatus = 'open' | 'processing' | 'partially_paid' | 'paid' | 'overpaid' | 'void';

export interface Invoice {
  id: string;
  number: string;
  psaRef: string;
  currency: string;
  total: number;
  amountPaid: number;
  amountRemaining: number;
  status: InvoiceStatus;
  /** True when the invoice is open or partially paid and past its due date (decided by the server). */
  overdue: boolean;
  /** Calendar date, `YYYY-MM-DD`. */
  issuedAt: string;
  /** Calendar date, `YYYY-MM-DD`. */
  dueDate: string;
}

/** Envelope of every paginated list response. */
export interface Page {
  page: number;
  pageSize: number;
  total: number;
}
