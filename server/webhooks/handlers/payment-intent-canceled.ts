// payment_intent.canceled: The payment was canceled.
// A trigger only: syncPaymentIntent() re-fetches the object from Stripe and converges.
import { syncPaymentIntent } from '../../payments/sync-payment-intent';
import type { WebhookHandler } from './webhook-handler';

export const handlePaymentIntentCanceled: WebhookHandler<'payment_intent.canceled'> = ({ event, sync }) => syncPaymentIntent({ ...sync, paymentIntentId: event.data.object.id });
