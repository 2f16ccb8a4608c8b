// customer.updated: A customer changed: nothing destructive follows (the PSA owns client details).
// A trigger only: syncCustomer() re-fetches the object from Stripe and converges.
import { syncCustomer } from '../../mapping/sync-customer';
import type { WebhookHandler } from './webhook-handler';

export const handleCustomerUpdated: WebhookHandler<'customer.updated'> = ({ event, sync }) => syncCustomer({ ...sync, customerId: event.data.object.id });
