// payment_intent.payment_failed: A payment attempt failed: failure code, decline code and message come from last_payment_error.
// A trigger only: syncPaymentIntent() re-fetches the object from Stripe and converges.
import { syncPaymentIntent } from '../../payments/sync-payment-intent';
import type { WebhookHandler } from './webhook-handler';

export const handlePaymentIntentPaymentFailed: WebhookHandler<'payment_intent.payment_failed'> = ({ event, sync }) => syncPaymentIntent({ ...sync, paymentIntentId: event.data.object.id });
