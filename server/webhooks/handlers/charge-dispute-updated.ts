// charge.dispute.updated: A dispute changed (evidence, status).
// A trigger only: syncDispute() re-fetches the object from Stripe and converges.
import { syncDispute } from '../../payments/sync-dispute';
import type { WebhookHandler } from './webhook-handler';

export const handleChargeDisputeUpdated: WebhookHandler<'charge.dispute.updated'> = ({ event, sync }) => syncDispute({ ...sync, disputeId: event.data.object.id });
