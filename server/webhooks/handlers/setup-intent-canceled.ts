// setup_intent.canceled: The setup was canceled and can never finish.
// A trigger only: syncSetupIntent() re-fetches the object from Stripe and converges.
import { syncSetupIntent } from '../../payment-methods/sync-setup-intent';
import type { WebhookHandler } from './webhook-handler';

export const handleSetupIntentCanceled: WebhookHandler<'setup_intent.canceled'> = ({ event, sync }) => syncSetupIntent({ ...sync, setupIntentId: event.data.object.id });
