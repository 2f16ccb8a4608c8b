// charge.refunded: A charge was (partly) refunded: refunds rows and the refunded amount converge.
// A trigger only: syncCharge() re-fetches the object from Stripe and converges.
import { syncCharge } from '../../payments/sync-charge';
import type { WebhookHandler } from './webhook-handler';

export const handleChargeRefunded: WebhookHandler<'charge.refunded'> = ({ event, sync }) => syncCharge({ ...sync, chargeId: event.data.object.id });
