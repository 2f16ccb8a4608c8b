// charge.dispute.funds_reinstated: Funds were reinstated after a dispute.
// A trigger only: syncDispute() re-fetches the object from Stripe and converges.
import { syncDispute } from '../../payments/sync-dispute';
import type { WebhookHandler } from './webhook-handler';

export const handleChargeDisputeFundsReinstated: WebhookHandler<'charge.dispute.funds_reinstated'> = ({ event, sync }) => syncDispute({ ...sync, disputeId: event.data.object.id });
