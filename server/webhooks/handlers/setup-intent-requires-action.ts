// setup_intent.requires_action: The customer must act: micro-deposits sent (arrival date, hosted verification URL) or 3-D Secure.
// A trigger only: syncSetupIntent() re-fetches the object from Stripe and converges.
import { syncSetupIntent } from '../../payment-methods/sync-setup-intent';
import type { WebhookHandler } from './webhook-handler';

export const handleSetupIntentRequiresAction: WebhookHandler<'setup_intent.requires_action'> = ({ event, sync }) => syncSetupIntent({ ...sync, setupIntentId: event.data.object.id });
