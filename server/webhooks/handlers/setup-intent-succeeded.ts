// setup_intent.succeeded: The setup finished: the method becomes active.
// A trigger only: syncSetupIntent() re-fetches the object from Stripe and converges.
import { syncSetupIntent } from '../../payment-methods/sync-setup-intent';
import type { WebhookHandler } from './webhook-handler';

export const handleSetupIntentSucceeded: WebhookHandler<'setup_intent.succeeded'> = ({ event, sync }) => syncSetupIntent({ ...sync, setupIntentId: event.data.object.id });
