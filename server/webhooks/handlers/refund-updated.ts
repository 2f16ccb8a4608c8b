// refund.updated: A refund changed status.
// A trigger only: syncRefund() re-fetches the object from Stripe and converges.
import { syncRefund } from '../../payments/sync-refund';
import type { WebhookHandler } from './webhook-handler';

export const handleRefundUpdated: WebhookHandler<'refund.updated'> = ({ event, sync }) => syncRefund({ ...sync, refundId: event.data.object.id });
