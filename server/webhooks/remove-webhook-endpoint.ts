import type Stripe from 'stripe';
import { AppError } from '../http/app-error';
import type { AppContext } from '../http/context';
import { isMissing } from './ensure-webhook-endpoint';
import { forgetWebhookSecret } from './resolve-webhook-secret';

/**
 * Deletes Settle's webhook endpoint from the connected account (uninstall, disconnect) and forgets
 * its id and secret, so later deliveries are refused. Idempotent and tolerant: an endpoint already
 * gone in Stripe (404) counts as removed; no connection means nothing to do. Other Stripe errors
 * propagate with nothing changed, so the call can be retried. Never touches the connection's
 * status or API credentials (the disconnect flow owns those).
 */
export async function removeWebhookEndpoint(ctx: AppContext, installationId: string): Promise<{ removed: boolean }> {
  let client: { stripe: Stripe; connection: { id: string; webhook_endpoint_id: string | null } };
  try {
    client = await ctx.stripe.forInstallation(ctx.db, installationId);
  } catch (err) {
    if (err instanceof AppError && err.code === 'STRIPE_NOT_CONNECTED') return { removed: false };
    throw err;
  }
  const { stripe, connection } = client;
  let removed = false;
  if (connection.webhook_endpoint_id) {
    try {
      await stripe.webhookEndpoints.del(connection.webhook_endpoint_id);
      removed = true;
    } catch (err) {
      if (!isMissing(err)) throw err;
    }
  }
  await ctx.db('stripe_connections').where({ id: connection.id }).update({ webhook_endpoint_id: null, webhook_secret_enc: null, updated_at: ctx.clock.now() });
  forgetWebhookSecret(ctx, installationId);
  return { removed };
}
