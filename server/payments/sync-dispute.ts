import { claimSyncWrite, takeSyncTicket } from '../stripe/sync-ticket';
import { changedColumns, idOf, type StripeSyncOptions, type SyncOutcome } from '../stripe/stripe-sync-options';
import { findPaymentFor } from './sync-refund';
import { settleDispute } from '../ledger/settle-dispute';
import { queueWriteBacks } from '../ledger/queue-write-backs';

export interface SyncDisputeOptions extends StripeSyncOptions {
  disputeId: string;
}

/** Dispute statuses after which Stripe changes nothing more. */
const CLOSED_DISPUTE_STATUSES = new Set(['won', 'lost', 'warning_closed', 'prevented']);

/**
 * Makes the disputes row match Stripe (upsert by Stripe id: amount, reason, status as Stripe names
 * it, evidence due date, closed time) and sets payments.dispute_status to the status of the
 * payment's latest dispute. Idempotent and order-independent (sync tickets). Never touches disputes
 * of payments Settle did not create, never submits evidence or accepts a dispute. A lost dispute's
 * effect on the ledger (settleDispute: reversal, reopened invoices, staff emailed, ACH autopay
 * paused) and the PSA write-back run in the same transaction, exactly once.
 */
export async function syncDispute(options: SyncDisputeOptions): Promise<{ outcome: SyncOutcome }> {
  const { scope, stripe, clock, disputeId } = options;
  const ticket = await takeSyncTicket(scope.db);
  const dispute = await stripe.disputes.retrieve(disputeId);
  const payment = await findPaymentFor(scope, { paymentIntentId: idOf(dispute.payment_intent), chargeId: idOf(dispute.charge) });
  if (!payment) return { outcome: 'not_ours' };
  const now = clock.now();
  return scope.transaction(async (tx) => {
    if (!(await claimSyncWrite(tx, dispute.id, ticket, now))) return { outcome: 'stale' as const };
    const current = (await tx.from('disputes').where({ stripe_dispute_id: dispute.id }).forUpdate().first()) as Record<string, unknown> | undefined;
    const dueBy = dispute.evidence_details?.due_by;
    const next = {
      payment_id: payment.id,
      amount: dispute.amount,
      currency: dispute.currency.toUpperCase(),
      reason: dispute.reason ?? null,
      status: dispute.status,
      evidence_due_by: dueBy ? new Date(dueBy * 1000) : null,
      closed_at: CLOSED_DISPUTE_STATUSES.has(dispute.status) ? ((current?.closed_at as Date | null | undefined) ?? now) : null,
    };
    let outcome: SyncOutcome = 'unchanged';
    let rowId = current?.id as string | undefined;
    if (!current) {
      const [row] = (await tx.insert('disputes', { ...next, stripe_dispute_id: dispute.id, created_at: now, updated_at: now }).returning('id')) as Array<{ id: string }>;
      rowId = row!.id;
      outcome = 'updated';
    } else {
      const changes = changedColumns(current, next);
      if (Object.keys(changes).length > 0) {
        await tx.from('disputes').where({ id: current.id as string }).update({ ...changes, updated_at: now });
        outcome = 'updated';
      }
    }
    const latest = (await tx.from('disputes').where({ payment_id: payment.id }).orderBy('created_at', 'desc').orderBy('id', 'desc').first('status')) as { status: string };
    await tx.from('payments').where({ id: payment.id }).whereRaw('dispute_status is distinct from ?', [latest.status]).update({ dispute_status: latest.status, updated_at: now });
    const changed = await settleDispute(tx, rowId!, { publicUrl: options.publicUrl }, clock);
    await queueWriteBacks(tx, [payment.id, ...changed], clock);
    return { outcome };
  });
}
