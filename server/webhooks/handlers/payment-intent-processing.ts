// payment_intent.processing: An ACH debit is on its way; the payment stays processing until Stripe says succeeded.
// A trigger only: syncPaymentIntent() re-fetches the object from Stripe and converges.
import { syncPaymentIntent } from '../../payments/sync-payment-intent';
import type { WebhookHandler } from './webhook-handler';

export const handlePaymentIntentProcessing: WebhookHandler<'payment_intent.processing'> = ({ event, sync }) => syncPaymentIntent({ ...sync, paymentIntentId: event.data.object.id });
