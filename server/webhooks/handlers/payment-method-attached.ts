// payment_method.attached: A method was attached to a customer.
// A trigger only: syncPaymentMethod() re-fetches the object from Stripe and converges.
import { syncPaymentMethod } from '../../payment-methods/sync-payment-method';
import type { WebhookHandler } from './webhook-handler';

export const handlePaymentMethodAttached: WebhookHandler<'payment_method.attached'> = ({ event, sync }) => syncPaymentMethod({ ...sync, paymentMethodId: event.data.object.id });
