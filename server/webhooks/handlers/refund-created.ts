// refund.created: A refund was created (by Settle or in the Stripe dashboard).
// A trigger only: syncRefund() re-fetches the object from Stripe and converges.
import { syncRefund } from '../../payments/sync-refund';
import type { WebhookHandler } from './webhook-handler';

export const handleRefundCreated: WebhookHandler<'refund.created'> = ({ event, sync }) => syncRefund({ ...sync, refundId: event.data.object.id });
