// Stripe PaymentIntent → Settle payment status. Pure and exhaustive: a status Stripe adds later is a
// compile error here and, at run time, an exception (fail closed: the payment row is not touched and
// the event is retried, then dead-lettered where a person sees it). Only `succeeded` is ever paid;
// ACH `processing` stays processing until Stripe says succeeded.
import type Stripe from 'stripe';

export type PaymentStatus = 'pending' | 'processing' | 'requires_action' | 'succeeded' | 'failed' | 'canceled';

/** The PaymentIntent statuses Settle knows (the SDK's type also admits any other string). */
export type KnownPaymentIntentStatus = 'canceled' | 'processing' | 'requires_action' | 'requires_capture' | 'requires_confirmation' | 'requires_payment_method' | 'succeeded';

export function mapPaymentIntentStatus(pi: Pick<Stripe.PaymentIntent, 'status' | 'last_payment_error'>): PaymentStatus {
  const status = pi.status as KnownPaymentIntentStatus;
  switch (status) {
    case 'succeeded':
      return 'succeeded';
    case 'processing':
      return 'processing';
    // Funds authorized but not captured: not paid yet. Settle does not use manual capture.
    case 'requires_capture':
      return 'processing';
    case 'requires_action':
      return 'requires_action';
    case 'requires_confirmation':
      return 'pending';
    // After a failed attempt Stripe returns the intent to requires_payment_method with the error.
    case 'requires_payment_method':
      return pi.last_payment_error ? 'failed' : 'pending';
    case 'canceled':
      return 'canceled';
    default: {
      const unknown: never = status;
      throw new Error(`unknown PaymentIntent status ${JSON.stringify(unknown)}`);
    }
  }
}

/** Stripe never moves an intent out of these; a sync never moves a payment out of them either. */
export const FINAL_PAYMENT_STATUSES: ReadonlySet<PaymentStatus> = new Set(['succeeded', 'canceled']);
