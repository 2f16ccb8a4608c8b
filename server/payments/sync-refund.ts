import type Stripe from 'stripe';
import type { InstallationScope } from '../db/tenant-scope';
import { claimSyncWrite, takeSyncTicket, type SyncTicket } from '../stripe/sync-ticket';
import { changedColumns, idOf, type StripeSyncOptions, type SyncOutcome } from '../stripe/stripe-sync-options';
import { COUNTED_REFUND_STATUSES, mapRefundStatus } from './map-refund-status';
import type { Clock } from '../clock';
import { settleRefund } from '../ledger/settle-refund';
import { queueWriteBacks } from '../ledger/queue-write-backs';

export interface SyncRefundOptions extends StripeSyncOptions {
  refundId: string;
}

/** The Settle payment a Stripe object belongs to, by PaymentIntent id or charge id; null if none. */
export async function findPaymentFor(scope: InstallationScope, ref: { paymentIntentId: string | null; chargeId: string | null }): Promise<{ id: string; amount: number } | null> {
  if (ref.paymentIntentId) {
    const row = (await scope.from('payments').where({ stripe_payment_intent_id: ref.paymentIntentId }).first('id', 'amount')) as { id: string; amount: number } | undefined;
    if (row) return row;
  }
  if (ref.chargeId) {
    const row = (await scope.from('payments').where({ stripe_charge_id: ref.chargeId }).first('id', 'amount')) as { id: string; amount: number } | undefined;
    if (row) return row;
  }
  return null;
}

/**
 * Writes one refund row from a fetched Stripe Refund (upsert by Stripe id; a row Settle created
 * before calling Stripe is found by `metadata.settle_refund_id`). Call inside a transaction.
 */
export async function writeRefund(tx: InstallationScope, paymentId: string, refund: Stripe.Refund, ticket: SyncTicket, now: Date): Promise<SyncOutcome> {
  return (await writeRefundRow(tx, paymentId, refund, ticket, now)).outcome;
}

/** writeRefund, also returning the Settle refund row id (null when the fetch was stale). */
export async function writeRefundRow(tx: InstallationScope, paymentId: string, refund: Stripe.Refund, ticket: SyncTicket, now: Date): Promise<{ outcome: SyncOutcome; refundRowId: string | null }> {
  if (!(await claimSyncWrite(tx, refund.id, ticket, now))) return { outcome: 'stale', refundRowId: null };
  const next = {
    payment_id: paymentId,
    stripe_refund_id: refund.id,
    amount: refund.amount,
    currency: refund.currency.toUpperCase(),
    status: mapRefundStatus(refund),
    reason: refund.reason ?? null,
    failure_reason: refund.failure_reason ?? null,
  };
  let current = (await tx.from('refunds').where({ stripe_refund_id: refund.id }).forUpdate().first()) as Record<string, unknown> | undefined;
  const settleId = refund.metadata?.settle_refund_id;
  if (!current && settleId && /^[0-9a-f-]{36}$/i.test(settleId)) {
    current = (await tx.from('refunds').where({ id: settleId, payment_id: paymentId }).whereNull('stripe_refund_id').forUpdate().first()) as Record<string, unknown> | undefined;
  }
  if (!current) {
    const [row] = (await tx.insert('refunds', { ...next, created_at: now, updated_at: now }).returning('id')) as Array<{ id: string }>;
    return { outcome: 'updated', refundRowId: row!.id };
  }
  const changes = changedColumns(current, next);
  if (Object.keys(changes).length === 0) return { outcome: 'unchanged', refundRowId: current.id as string };
  await tx.from('refunds').where({ id: current.id as string }).update({ ...changes, updated_at: now });
  return { outcome: 'updated', refundRowId: current.id as string };
}

/**
 * The ledger's side of refunds written in this transaction: each refund's reversal (or restoration)
 * is converged and the payment is queued for the PSA write-back (a no-op when nothing changed).
 */
export async function settleRefundsInLedger(tx: InstallationScope, paymentId: string, refundRowIds: Array<string | null>, clock: Clock): Promise<void> {
  const changed = [paymentId];
  for (const id of refundRowIds) if (id) changed.push(...(await settleRefund(tx, id, clock)));
  await queueWriteBacks(tx, changed, clock);
}

/** payments.amount_refunded = the refunds that count, capped at the amount; written only if different. */
export async function recomputeAmountRefunded(tx: InstallationScope, payment: { id: string; amount: number }, now: Date): Promise<void> {
  const [sum] = (await tx.from('refunds').where({ payment_id: payment.id }).whereIn('status', COUNTED_REFUND_STATUSES).sum({ total: 'amount' })) as Array<{ total: number | string | null }>;
  const refunded = Math.min(payment.amount, Number(sum?.total ?? 0));
  await tx.from('payments').where({ id: payment.id }).whereNot('amount_refunded', refunded).update({ amount_refunded: refunded, updated_at: now });
}

/**
 * Makes the refunds row for a Stripe refund match Stripe (status, amount, reason, failure reason),
 * linked to the Settle payment by PaymentIntent or charge id, and keeps payments.amount_refunded
 * equal to the refunds that count. Idempotent and order-independent (sync tickets). Never touches
 * refunds of payments Settle did not create, never issues or cancels a refund. The ledger's side
 * (allocations reversed once per refund, invoices reopened, credit restored when a refund fails)
 * runs in the same transaction (settleRefundsInLedger), with the PSA write-back.
 */
export async function syncRefund(options: SyncRefundOptions): Promise<{ outcome: SyncOutcome }> {
  const { scope, stripe, clock, refundId } = options;
  const ticket = await takeSyncTicket(scope.db);
  const refund = await stripe.refunds.retrieve(refundId);
  const payment = await findPaymentFor(scope, { paymentIntentId: idOf(refund.payment_intent), chargeId: idOf(refund.charge) });
  if (!payment) return { outcome: 'not_ours' };
  const now = clock.now();
  return scope.transaction(async (tx) => {
    const { outcome, refundRowId } = await writeRefundRow(tx, payment.id, refund, ticket, now);
    await recomputeAmountRefunded(tx, payment, now);
    await settleRefundsInLedger(tx, payment.id, [refundRowId], clock);
    return { outcome };
  });
}
