import type { AppContext } from '../http/context';
import { removeWebhookEndpoint } from '../webhooks/remove-webhook-endpoint';
import { deauthorizeOAuth } from './oauth-connect';
import type { StripeConnectionRow } from './stripe-clients';

/**
 * Disconnects an installation from Stripe: deletes the webhook endpoint Settle created in the MSP's
 * account, revokes the OAuth grant, then marks the connection disconnected and wipes its sealed
 * credentials. Idempotent. If Stripe cannot be reached the connection is left in `error` with its
 * credentials, so the cleanup can be retried; it never leaves an endpoint behind that nobody can delete.
 */
export async function disconnectStripe(ctx: AppContext, installationId: string): Promise<{ disconnected: boolean; endpointDeleted: boolean }> {
  const connection = (await ctx.db('stripe_connections')
    .where({ installation_id: installationId })
    .whereNot('status', 'disconnected')
    .first()) as StripeConnectionRow | undefined;
  if (!connection) return { disconnected: false, endpointDeleted: false };
  let endpointDeleted = false;
  try {
    endpointDeleted = (await removeWebhookEndpoint(ctx, installationId)).removed;
    if (connection.mode === 'oauth') await deauthorizeOAuth(ctx, connection.account_id);
  } catch (err) {
    await ctx.db('stripe_connections').where({ id: connection.id }).update({ status: 'error', updated_at: ctx.clock.now() });
    throw err;
  }
  await ctx.db('stripe_connections').where({ id: connection.id }).update({
    status: 'disconnected',
    disconnected_at: ctx.clock.now(),
    secret_enc: null,
    refresh_token_enc: null,
    webhook_secret_enc: null,
    updated_at: ctx.clock.now(),
  });
  return { disconnected: true, endpointDeleted };
}
