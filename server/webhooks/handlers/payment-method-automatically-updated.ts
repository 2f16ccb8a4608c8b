// payment_method.automatically_updated: A card updater replaced the card details (new expiry or number).
// A trigger only: syncPaymentMethod() re-fetches the object from Stripe and converges.
import { syncPaymentMethod } from '../../payment-methods/sync-payment-method';
import type { WebhookHandler } from './webhook-handler';

export const handlePaymentMethodAutomaticallyUpdated: WebhookHandler<'payment_method.automatically_updated'> = ({ event, sync }) => syncPaymentMethod({ ...sync, paymentMethodId: event.data.object.id });
