// An invoice's status and amounts follow from its total and the ledger: the applied allocations
// (money received), the write-offs (underpayments accepted within the MSP's tolerance) and whether a
// payment for it is in flight. Pure. The ledger (server/ledger/recompute-invoices.ts) is the one
// place that reads those facts and writes the result; the PSA sync uses deriveInvoiceBalance when
// only the total changed.
import type { InvoiceStatus } from '../invoices/invoice-view';

export interface InvoiceBalance {
  status: InvoiceStatus;
  amountRemaining: number;
}

export interface InvoiceLedgerFacts {
  total: number;
  /** Sum of applied allocations. */
  applied: number;
  /** Sum of write-offs not reversed. */
  writtenOff: number;
  /** A payment for the invoice is processing (ACH in flight): money is coming, not arrived. */
  inFlight: boolean;
  voided: boolean;
}

/**
 * - void stays void with nothing remaining;
 * - something still owed while a payment is processing → processing (never shown as paid early);
 * - otherwise: nothing settled → open (a zero total owes nothing → paid), part → partially_paid,
 *   all → paid, more than the total → overpaid (remaining 0; the ledger moves the excess to the
 *   client's credit balance).
 */
export function deriveInvoiceState(f: InvoiceLedgerFacts): InvoiceBalance {
  if (f.voided) return { status: 'void', amountRemaining: 0 };
  const settled = f.applied + f.writtenOff;
  const amountRemaining = Math.max(f.total - settled, 0);
  if (f.inFlight && amountRemaining > 0) return { status: 'processing', amountRemaining };
  if (settled === 0) return { status: f.total === 0 ? 'paid' : 'open', amountRemaining };
  if (settled < f.total) return { status: 'partially_paid', amountRemaining };
  return { status: settled === f.total ? 'paid' : 'overpaid', amountRemaining };
}

/**
 * The same rule from stored columns (the PSA sync, when a total changes): `current` says whether the
 * invoice is void or has a payment in flight; `writtenOff` is invoices.amount_written_off.
 */
export function deriveInvoiceBalance(total: number, amountPaid: number, current: InvoiceStatus | null, writtenOff = 0): InvoiceBalance {
  return deriveInvoiceState({ total, applied: amountPaid, writtenOff, inFlight: current === 'processing', voided: current === 'void' });
}
