// Stripe Refund status → refunds.status. Exhaustive over the statuses Stripe documents; anything
// else throws (fail closed: the row is not written and the event is retried, then dead-lettered).
import type Stripe from 'stripe';

export type RefundStatus = 'pending' | 'requires_action' | 'succeeded' | 'failed' | 'canceled';

export function mapRefundStatus(refund: Pick<Stripe.Refund, 'status'>): RefundStatus {
  const status = refund.status as RefundStatus | null;
  switch (status) {
    case 'pending':
    case 'requires_action':
    case 'succeeded':
    case 'failed':
    case 'canceled':
      return status;
    case null:
      throw new Error('refund without a status');
    default: {
      const unknown: never = status;
      throw new Error(`unknown Refund status ${JSON.stringify(unknown)}`);
    }
  }
}

/** Refund statuses that count against the payment (Stripe counts pending refunds as refunded). */
export const COUNTED_REFUND_STATUSES: readonly RefundStatus[] = ['pending', 'requires_action', 'succeeded'];
