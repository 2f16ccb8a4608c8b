// mandate.updated: A mandate changed; inactive is recorded for autopay to pause on.
// A trigger only: syncMandate() re-fetches the object from Stripe and converges.
import { syncMandate } from '../../payment-methods/sync-mandate';
import type { WebhookHandler } from './webhook-handler';

export const handleMandateUpdated: WebhookHandler<'mandate.updated'> = ({ event, sync }) => syncMandate({ ...sync, mandateId: event.data.object.id });
