// Proof that the stored invoice amounts are what the ledger says: every invoice is recomputed from
// its allocations and write-offs in one query (the same facts recomputeInvoices uses) and compared;
// every succeeded payment's money is checked to be accounted for. Read-only; an admin endpoint and
// the tests run it.
import type { InstallationScope } from '../db/tenant-scope';
import { deriveInvoiceState } from '../psa/invoice-balance';
import { INVOICE_FACTS_SQL } from './recompute-invoices';

export interface InvoiceMismatch {
  invoiceId: string;
  number: string;
  stored: { amountPaid: number; amountWrittenOff: number; amountRemaining: number; status: string };
  derived: { amountPaid: number; amountWrittenOff: number; amountRemaining: number; status: string };
}

export interface PaymentMismatch {
  paymentId: string;
  amount: number;
  applied: number;
  credit: number;
  reversed: number;
  /** Negative: more placed than the payment holds. */
  unapplied: number;
}

export interface LedgerConsistency {
  invoicesChecked: number;
  paymentsChecked: number;
  invoiceMismatches: InvoiceMismatch[];
  paymentMismatches: PaymentMismatch[];
  /** Clients whose credit balance (in some currency) is below zero. */
  negativeCredit: string[];
}

const n = (v: unknown) => Number(v ?? 0);

export async function checkLedgerConsistency(scope: InstallationScope): Promise<LedgerConsistency> {
  const invoices = (
    (await scope.db.raw(
      `select i.id, i.number, i.total, i.status, i.voided_at, i.amount_paid, i.amount_written_off, i.amount_remaining, ${INVOICE_FACTS_SQL}
         from invoices i where i.installation_id = ? order by i.id`,
      [scope.installationId],
    )) as { rows: Array<Record<string, unknown>> }
  ).rows;
  const invoiceMismatches: InvoiceMismatch[] = [];
  for (const r of invoices) {
    const voided = r.status === 'void' || r.voided_at !== null;
    const state = deriveInvoiceState({ total: n(r.total), applied: n(r.applied), writtenOff: n(r.written_off), inFlight: Boolean(r.in_flight), voided });
    const derived = { amountPaid: n(r.applied), amountWrittenOff: n(r.written_off), amountRemaining: state.amountRemaining, status: state.status };
    const stored = { amountPaid: n(r.amount_paid), amountWrittenOff: n(r.amount_written_off), amountRemaining: n(r.amount_remaining), status: String(r.status) };
    if (JSON.stringify(stored) !== JSON.stringify(derived) || state.status === 'overpaid') {
      invoiceMismatches.push({ invoiceId: String(r.id), number: String(r.number), stored, derived });
    }
  }
  const payments = (
    (await scope.db.raw(
      `select p.id, p.amount, p.reconciled_at,
              coalesce((select sum(a.amount) from allocations a where a.installation_id = p.installation_id and a.payment_id = p.id and a.state = 'applied'), 0) as applied,
              coalesce((select sum(c.amount) from client_credits c where c.installation_id = p.installation_id and c.payment_id = p.id), 0) as credit,
              coalesce((select sum(r.amount) from ledger_reversals r where r.installation_id = p.installation_id and r.payment_id = p.id and r.restored_at is null), 0) as reversed,
              exists(select 1 from reconciliation_exceptions e where e.installation_id = p.installation_id and e.payment_id = p.id and e.status = 'open') as waiting
         from payments p where p.installation_id = ? and p.status = 'succeeded' order by p.id`,
      [scope.installationId],
    )) as { rows: Array<Record<string, unknown>> }
  ).rows;
  const paymentMismatches: PaymentMismatch[] = [];
  for (const p of payments) {
    const amount = n(p.amount);
    const m = { paymentId: String(p.id), amount, applied: n(p.applied), credit: n(p.credit), reversed: n(p.reversed), unapplied: 0 };
    m.unapplied = amount - m.applied - m.credit - m.reversed;
    // Unapplied money is only allowed while a person has to decide (open exception) or before the
    // payment was reconciled at all; never negative, and no payment's credit below zero.
    if (m.unapplied < 0 || m.credit < 0 || (m.unapplied > 0 && !p.waiting && p.reconciled_at !== null)) paymentMismatches.push(m);
  }
  const negativeCredit = (await scope.from('client_credits').groupBy('client_id', 'currency').havingRaw('sum(amount) < 0').pluck('client_id')) as string[];
  return { invoicesChecked: invoices.length, paymentsChecked: payments.length, invoiceMismatches, paymentMismatches, negativeCredit };
}
