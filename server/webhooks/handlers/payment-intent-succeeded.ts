// payment_intent.succeeded: The payment succeeded (cards at once, ACH after processing).
// A trigger only: syncPaymentIntent() re-fetches the object from Stripe and converges.
import { syncPaymentIntent } from '../../payments/sync-payment-intent';
import type { WebhookHandler } from './webhook-handler';

export const handlePaymentIntentSucceeded: WebhookHandler<'payment_intent.succeeded'> = ({ event, sync }) => syncPaymentIntent({ ...sync, paymentIntentId: event.data.object.id });
