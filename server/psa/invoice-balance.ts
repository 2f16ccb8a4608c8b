// An invoice's status and remaining amount follow from its total and what the ledger says was paid
// (amount_paid, maintained from allocations). Pure; the PSA sync uses it when a total changes, and the
// ledger should use the same rule when allocations change.
import type { InvoiceStatus } from '../invoices/invoice-view';

export interface InvoiceBalance {
  status: InvoiceStatus;
  amountRemaining: number;
}

/**
 * - void stays void with nothing remaining;
 * - processing stays processing (money is in flight; the payment's outcome settles it);
 * - otherwise: nothing paid → open (a zero total owes nothing → paid), part → partially_paid,
 *   all → paid, more than the total → overpaid (remaining 0; the excess is the ledger's to credit).
 */
export function deriveInvoiceBalance(total: number, amountPaid: number, current: InvoiceStatus | null): InvoiceBalance {
  if (current === 'void') return { status: 'void', amountRemaining: 0 };
  const amountRemaining = Math.max(total - amountPaid, 0);
  if (current === 'processing') return { status: 'processing', amountRemaining };
  if (amountPaid === 0) return { status: total === 0 ? 'paid' : 'open', amountRemaining };
  if (amountPaid < total) return { status: 'partially_paid', amountRemaining };
  return { status: amountPaid === total ? 'paid' : 'overpaid', amountRemaining };
}
