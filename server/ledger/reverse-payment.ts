// Money leaving the ledger after a payment succeeded: a refund, or a dispute the MSP lost (an ACH
// return after success arrives as a dispute too). Each source (one refund row, one dispute row)
// reverses exactly once — ledger_reversals is unique per source — however many times webhooks, the
// technician's request and the drift sweep report it.
//
// Order, deterministic and documented (docs/architecture.md, "Ledger"):
//   1. the payment's own unused credit (money not owed on any invoice goes back first);
//   2. its applied allocations, most recent invoice first (issued date, then invoice number, then
//      the allocation's time, newest first), so older debts stay settled;
//   3. whatever of the payment was still unapplied (waiting in the exceptions queue).
// The invoices touched are recomputed: a fully reversed invoice is open again, a partly reversed one
// partially paid.
import type { Clock } from '../clock';
import type { InstallationScope } from '../db/tenant-scope';
import { grantCredit } from './client-credit';
import { paymentPosition } from './payment-position';
import { recomputeInvoices } from './recompute-invoices';
import { takeFromAllocations, type AllocationRow } from './take-from-allocations';

export interface ReversalInput {
  paymentId: string;
  source: 'refund' | 'dispute';
  sourceId: string;
  amount: number;
}

export interface ReversalResult {
  /** False when this source was already reversed (nothing changed). */
  reversed: boolean;
  invoiceIds: string[];
  paymentIds: string[];
}

/**
 * Reverses `amount` of a payment for one refund or lost dispute. Idempotent per source. Call inside
 * the transaction that recorded the refund/dispute; the caller queues the PSA write-back for the
 * returned payments. Never calls Stripe.
 */
export async function reversePayment(scope: InstallationScope, input: ReversalInput, clock: Clock): Promise<ReversalResult> {
  const inserted = (await scope
    .insert('ledger_reversals', { payment_id: input.paymentId, source: input.source, source_id: input.sourceId, amount: input.amount, created_at: clock.now() })
    .onConflict(['installation_id', 'source', 'source_id'])
    .ignore()
    .returning('id')) as unknown[];
  if (inserted.length === 0) return { reversed: false, invoiceIds: [], paymentIds: [] };
  const result = await rebalancePayment(scope, input.paymentId, input.source, clock);
  return { reversed: true, ...result };
}

/**
 * Makes a payment's money add up again after a reversal: when more left (refunds, lost disputes)
 * than was unapplied, the shortfall is taken back in the documented order. Convergent, so the order
 * events arrive in does not matter — a dispute synced before the payment's own success webhook is
 * recorded first and takes effect here when the success applies the split (the transition hook
 * calls this). A no-op when nothing is short.
 */
export async function rebalancePayment(scope: InstallationScope, paymentId: string, source: 'refund' | 'dispute' | null, clock: Clock): Promise<{ invoiceIds: string[]; paymentIds: string[] }> {
  const position = await paymentPosition(scope, paymentId, { lock: true });
  let left = -position.unapplied;
  if (left <= 0) return { invoiceIds: [], paymentIds: [] };
  const reason = source ?? (await latestReversalSource(scope, paymentId));
  const now = clock.now();
  if (position.credit > 0 && position.clientId) {
    const take = Math.min(position.credit, left);
    await grantCredit(scope, { clientId: position.clientId, amount: -take, currency: position.currency, reason: reason === 'refund' ? 'refunded' : 'disputed', paymentId, actor: null }, clock);
    left -= take;
  }
  let invoiceIds: string[] = [];
  const paymentIds = [paymentId];
  if (left > 0) {
    const rows = (await scope
      .from('allocations')
      .join('invoices as i', (j) => j.on('i.installation_id', 'allocations.installation_id').andOn('i.id', 'allocations.invoice_id'))
      .where({ 'allocations.payment_id': paymentId, 'allocations.state': 'applied' })
      .orderBy([
        { column: 'i.issued_at', order: 'desc' },
        { column: 'i.number', order: 'desc' },
        { column: 'allocations.created_at', order: 'desc' },
        { column: 'allocations.id', order: 'desc' },
      ])
      .select('allocations.*')) as AllocationRow[];
    const taken = await takeFromAllocations(scope, rows, left, reason, now);
    invoiceIds = [...new Set(taken.map((t) => t.invoiceId))];
    const recomputed = await recomputeInvoices(scope, invoiceIds, clock);
    paymentIds.push(...recomputed.paymentsChanged);
  }
  return { invoiceIds, paymentIds: [...new Set(paymentIds)] };
}

async function latestReversalSource(scope: InstallationScope, paymentId: string): Promise<'refund' | 'dispute'> {
  const row = (await scope.from('ledger_reversals').where({ payment_id: paymentId }).whereNull('restored_at').orderBy('created_at', 'desc').first('source')) as { source: 'refund' | 'dispute' } | undefined;
  return row?.source ?? 'refund';
}

/**
 * A refund that failed after it was counted (Stripe returned the money): its reversal is marked
 * restored and the money becomes the client's credit (a technician can apply it again), or goes back
 * to unapplied when the payment has no client yet. Idempotent: a second call changes nothing.
 */
export async function restoreReversal(scope: InstallationScope, input: { source: 'refund'; sourceId: string }, clock: Clock): Promise<{ restored: boolean; paymentId: string | null }> {
  const now = clock.now();
  const rows = (await scope
    .from('ledger_reversals')
    .where({ source: input.source, source_id: input.sourceId })
    .whereNull('restored_at')
    .update({ restored_at: now })
    .returning(['payment_id', 'amount'])) as Array<{ payment_id: string; amount: number | string }>;
  const row = rows[0];
  if (!row) return { restored: false, paymentId: null };
  const payment = (await scope.from('payments').where({ id: row.payment_id }).first('client_id', 'currency')) as { client_id: string | null; currency: string };
  if (payment.client_id) {
    await grantCredit(scope, { clientId: payment.client_id, amount: Number(row.amount), currency: payment.currency.trim(), reason: 'refund_failed', paymentId: row.payment_id, actor: null }, clock);
  }
  return { restored: true, paymentId: row.payment_id };
}
