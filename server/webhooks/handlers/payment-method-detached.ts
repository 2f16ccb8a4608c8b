// payment_method.detached: A method was detached: it becomes detached in Settle.
// A trigger only: syncPaymentMethod() re-fetches the object from Stripe and converges.
import { syncPaymentMethod } from '../../payment-methods/sync-payment-method';
import type { WebhookHandler } from './webhook-handler';

export const handlePaymentMethodDetached: WebhookHandler<'payment_method.detached'> = ({ event, sync }) => syncPaymentMethod({ ...sync, paymentMethodId: event.data.object.id });
