// setup_intent.setup_failed: The setup failed (e.g. micro-deposit verification failed or timed out).
// A trigger only: syncSetupIntent() re-fetches the object from Stripe and converges.
import { syncSetupIntent } from '../../payment-methods/sync-setup-intent';
import type { WebhookHandler } from './webhook-handler';

export const handleSetupIntentSetupFailed: WebhookHandler<'setup_intent.setup_failed'> = ({ event, sync }) => syncSetupIntent({ ...sync, setupIntentId: event.data.object.id });
