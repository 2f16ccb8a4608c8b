// charge.failed: A charge failed: the payment converges from its intent.
// A trigger only: syncCharge() re-fetches the object from Stripe and converges.
import { syncCharge } from '../../payments/sync-charge';
import type { WebhookHandler } from './webhook-handler';

export const handleChargeFailed: WebhookHandler<'charge.failed'> = ({ event, sync }) => syncCharge({ ...sync, chargeId: event.data.object.id });
