// A refund row's effect on the ledger, converged from its status: a refund that counts (pending,
// requires_action, succeeded — Stripe takes the money from the balance at creation, and ACH refunds
// stay pending for days) reverses the payment's money once; one that failed or was canceled after
// counting gives it back. A row Settle wrote before Stripe answered (no Stripe id yet) has no effect
// until Stripe confirms it. Called by syncRefund/syncCharge and the technician's refund, inside the
// transaction that wrote the row.
import type { Clock } from '../clock';
import type { InstallationScope } from '../db/tenant-scope';
import { COUNTED_REFUND_STATUSES, type RefundStatus } from '../payments/map-refund-status';
import { reversePayment, restoreReversal } from './reverse-payment';

/** Returns the payments whose ledger changed (for the PSA write-back). Idempotent. */
export async function settleRefund(scope: InstallationScope, refundId: string, clock: Clock): Promise<string[]> {
  const refund = (await scope
    .from('refunds')
    .join('payments as p', (j) => j.on('p.installation_id', 'refunds.installation_id').andOn('p.id', 'refunds.payment_id'))
    .where('refunds.id', refundId)
    .first('refunds.id', 'refunds.payment_id', 'refunds.amount', 'refunds.status', 'refunds.stripe_refund_id', 'p.source')) as
    | { id: string; payment_id: string; amount: number | string; status: RefundStatus; stripe_refund_id: string | null; source: string }
    | undefined;
  if (!refund) return [];
  const confirmed = refund.stripe_refund_id !== null || refund.source === 'offline';
  if (COUNTED_REFUND_STATUSES.includes(refund.status)) {
    if (!confirmed) return [];
    const result = await reversePayment(scope, { paymentId: refund.payment_id, source: 'refund', sourceId: refund.id, amount: Number(refund.amount) }, clock);
    return result.paymentIds;
  }
  const restored = await restoreReversal(scope, { source: 'refund', sourceId: refund.id }, clock);
  return restored.paymentId ? [restored.paymentId] : [];
}
