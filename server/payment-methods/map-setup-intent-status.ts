// Stripe SetupIntent → payment method verification state. Pure and exhaustive over the statuses
// Stripe documents; anything else throws (fail closed: nothing is written, the event is retried and
// then dead-lettered). Only `succeeded` makes a method active.
import type Stripe from 'stripe';

export type PaymentMethodStatus = 'pending_verification' | 'active' | 'verification_failed' | 'expired' | 'detached';
export type KnownSetupIntentStatus = 'canceled' | 'processing' | 'requires_action' | 'requires_confirmation' | 'requires_payment_method' | 'succeeded';

export interface SetupIntentState {
  status: Exclude<PaymentMethodStatus, 'detached'>;
  microdeposit_type: 'amounts' | 'descriptor_code' | null;
  microdeposit_arrival_date: string | null;
  hosted_verification_url: string | null;
}

/** Stripe's code for a micro-deposit verification that ran out of time (10 days). */
const TIMEOUT_CODES = new Set(['payment_method_microdeposit_verification_timeout']);

export function mapSetupIntent(si: Pick<Stripe.SetupIntent, 'status' | 'next_action' | 'last_setup_error'>): SetupIntentState {
  const none = { microdeposit_type: null, microdeposit_arrival_date: null, hosted_verification_url: null };
  const status = si.status as KnownSetupIntentStatus;
  switch (status) {
    case 'succeeded':
      return { status: 'active', ...none };
    case 'requires_action': {
      const micro = si.next_action?.type === 'verify_with_microdeposits' ? si.next_action.verify_with_microdeposits : undefined;
      if (!micro) return { status: 'pending_verification', ...none };
      return {
        status: 'pending_verification',
        microdeposit_type: micro.microdeposit_type === 'amounts' ? 'amounts' : micro.microdeposit_type === 'descriptor_code' ? 'descriptor_code' : null,
        microdeposit_arrival_date: new Date(micro.arrival_date * 1000).toISOString().slice(0, 10),
        hosted_verification_url: micro.hosted_verification_url,
      };
    }
    case 'processing':
    case 'requires_confirmation':
      return { status: 'pending_verification', ...none };
    case 'requires_payment_method': {
      const code = si.last_setup_error?.code;
      if (!si.last_setup_error) return { status: 'pending_verification', ...none };
      return { status: code && TIMEOUT_CODES.has(code) ? 'expired' : 'verification_failed', ...none };
    }
    // A canceled setup can never finish: the method was never usable.
    case 'canceled':
      return { status: 'expired', ...none };
    default: {
      const unknown: never = status;
      throw new Error(`unknown SetupIntent status ${JSON.stringify(unknown)}`);
    }
  }
}
