// charge.dispute.created: A payment was disputed (an ACH return after success arrives as a dispute).
// A trigger only: syncDispute() re-fetches the object from Stripe and converges.
import { syncDispute } from '../../payments/sync-dispute';
import type { WebhookHandler } from './webhook-handler';

export const handleChargeDisputeCreated: WebhookHandler<'charge.dispute.created'> = ({ event, sync }) => syncDispute({ ...sync, disputeId: event.data.object.id });
