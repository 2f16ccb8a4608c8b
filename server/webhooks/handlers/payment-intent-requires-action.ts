// payment_intent.requires_action: The customer must authenticate (3-D Secure) or verify micro-deposits.
// A trigger only: syncPaymentIntent() re-fetches the object from Stripe and converges.
import { syncPaymentIntent } from '../../payments/sync-payment-intent';
import type { WebhookHandler } from './webhook-handler';

export const handlePaymentIntentRequiresAction: WebhookHandler<'payment_intent.requires_action'> = ({ event, sync }) => syncPaymentIntent({ ...sync, paymentIntentId: event.data.object.id });
