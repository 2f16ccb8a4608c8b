// customer.deleted: A customer was deleted in Stripe: the client is unmapped and audited.
// A trigger only: syncCustomer() re-fetches the object from Stripe and converges.
import { syncCustomer } from '../../mapping/sync-customer';
import type { WebhookHandler } from './webhook-handler';

export const handleCustomerDeleted: WebhookHandler<'customer.deleted'> = ({ event, sync }) => syncCustomer({ ...sync, customerId: event.data.object.id });
