// charge.dispute.funds_withdrawn: Funds were withdrawn for a dispute.
// A trigger only: syncDispute() re-fetches the object from Stripe and converges.
import { syncDispute } from '../../payments/sync-dispute';
import type { WebhookHandler } from './webhook-handler';

export const handleChargeDisputeFundsWithdrawn: WebhookHandler<'charge.dispute.funds_withdrawn'> = ({ event, sync }) => syncDispute({ ...sync, disputeId: event.data.object.id });
