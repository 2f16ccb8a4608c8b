// payment_method.updated: A method changed (expiry, billing details).
// A trigger only: syncPaymentMethod() re-fetches the object from Stripe and converges.
import { syncPaymentMethod } from '../../payment-methods/sync-payment-method';
import type { WebhookHandler } from './webhook-handler';

export const handlePaymentMethodUpdated: WebhookHandler<'payment_method.updated'> = ({ event, sync }) => syncPaymentMethod({ ...sync, paymentMethodId: event.data.object.id });
