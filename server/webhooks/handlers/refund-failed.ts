// refund.failed: A refund failed: it no longer counts against the payment.
// A trigger only: syncRefund() re-fetches the object from Stripe and converges.
import { syncRefund } from '../../payments/sync-refund';
import type { WebhookHandler } from './webhook-handler';

export const handleRefundFailed: WebhookHandler<'refund.failed'> = ({ event, sync }) => syncRefund({ ...sync, refundId: event.data.object.id });
