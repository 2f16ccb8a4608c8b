// charge.dispute.closed: A dispute was won or lost.
// A trigger only: syncDispute() re-fetches the object from Stripe and converges.
import { syncDispute } from '../../payments/sync-dispute';
import type { WebhookHandler } from './webhook-handler';

export const handleChargeDisputeClosed: WebhookHandler<'charge.dispute.closed'> = ({ event, sync }) => syncDispute({ ...sync, disputeId: event.data.object.id });
