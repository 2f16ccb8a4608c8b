import type { Invoice, InvoiceStatus } from './types';

export type Tone = 'neutral' | 'info' | 'success' | 'warning' | 'danger' | 'accent';

export interface StatusDisplay {
  label: string;
  tone: Tone;
  /** One sentence for detail views and tooltips. */
  description: string;
}

export const PROCESSING_DESCRIPTION =
  'Processing — bank payments usually take 4 business days. The invoice is not paid until the payment clears.';

/**
 * How an invoice status reads to people. Exhaustive over `InvoiceStatus`: a new status fails to
 * compile here rather than rendering as something it is not. Only `paid` and `overpaid` ever read
 * as paid; `processing` (e.g. an ACH debit in flight) explicitly reads as not paid yet.
 */
export function describeInvoiceStatus(invoice: Pick<Invoice, 'status' | 'overdue'>): StatusDisplay {
  const status: InvoiceStatus = invoice.status;
  switch (status) {
    case 'open':
      return invoice.overdue
        ? { label: 'Overdue', tone: 'danger', description: 'Past its due date and not paid.' }
        : { label: 'Unpaid', tone: 'info', description: 'Awaiting payment.' };
    case 'partially_paid':
      return invoice.overdue
        ? { label: 'Overdue', tone: 'danger', description: 'Partially paid and past its due date.' }
        : { label: 'Partially paid', tone: 'warning', description: 'Part of this invoice has been paid.' };
    case 'processing':
      return { label: 'Processing', tone: 'warning', description: PROCESSING_DESCRIPTION };
    case 'paid':
      return { label: 'Paid', tone: 'success', description: 'Paid in full.' };
    case 'overpaid':
      return { label: 'Overpaid', tone: 'accent', description: 'Paid in full, with more received than the total.' };
    case 'void':
      return { label: 'Void', tone: 'neutral', description: 'Cancelled. Nothing is due.' };
    default: {
      // Compile-time exhaustiveness; at run time an unknown status fails closed (never "paid").
      const unknown: never = status;
      return { label: 'Unknown', tone: 'neutral', description: `Status “${String(unknown)}” is not recognised.` };
    }
  }
}

/** True only for statuses where the invoice is settled in full. */
export function isInvoicePaid(status: InvoiceStatus): boolean {
  return status === 'paid' || status === 'overpaid';
}
