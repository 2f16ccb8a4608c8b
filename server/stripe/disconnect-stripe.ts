import Stripe from 'stripe';
import type { AppContext } from '../http/context';
import { deauthorizeOAuth } from './oauth-connect';
import type { StripeConnectionRow } from './stripe-clients';

/**
 * Disconnects an installation from Stripe: deletes the webhook endpoint Settle created in the MSP's
 * account, then marks the connection disconnected and wipes its sealed credentials. Idempotent. If
 * Stripe cannot be reached the connection is left in `error` with its credentials, so the cleanup can
 * be retried; it never leaves an endpoint behind that nobody can delete.
 */
export async function disconnectStripe(ctx: AppContext, installationId: string): Promise<{ disconnected: boolean; endpointDeleted: boolean }> {
  const connection = (await ctx.db('stripe_connections')
    .where({ installation_id: installationId })
    .whereNot('status', 'disconnected')
    .first()) as StripeConnectionRow | undefined;
  if (!connection) return { disconnected: false, endpointDeleted: false };
  let endpointDeleted = false;
  if (connection.webhook_endpoint_id && connection.secret_enc) {
    const stripe = ctx.stripe.forSecret(ctx.secrets.open(connection.secret_enc, connection.id));
    try {
      await stripe.webhookEndpoints.del(connection.webhook_endpoint_id);
      endpointDeleted = true;
    } catch (err) {
      if (!(err instanceof Stripe.errors.StripeInvalidRequestError && err.statusCode === 404)) {
        await ctx.db('stripe_connections').where({ id: connection.id }).update({ status: 'error', updated_at: ctx.clock.now() });
        throw err;
      }
    }
  }
  if (connection.mode === 'oauth') await deauthorizeOAuth(ctx, connection.account_id);
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
