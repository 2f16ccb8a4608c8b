import { createHash } from 'node:crypto';
import Stripe from 'stripe';
import type { AppContext } from '../http/context';
import { HANDLED_EVENT_TYPES } from './handled-event-types';
import { forgetWebhookSecret } from './resolve-webhook-secret';

export interface EnsureWebhookEndpointResult {
  endpointId: string;
  url: string;
  /** created: a new endpoint (new secret); updated: url/events corrected in place; unchanged. */
  action: 'created' | 'updated' | 'unchanged';
}

/** Where Stripe delivers an installation's events. */
export function webhookUrlFor(publicUrl: string, installationId: string): string {
  return `${publicUrl}/webhooks/stripe/${installationId}`;
}

export function isMissing(err: unknown): boolean {
  return err instanceof Stripe.errors.StripeError && (err.statusCode === 404 || err.code === 'resource_missing');
}

function sameEvents(a: readonly string[]): boolean {
  const want = new Set<string>(HANDLED_EVENT_TYPES);
  return a.length === want.size && a.every((t) => want.has(t));
}

/**
 * Makes sure the installation's connected Stripe account has Settle's webhook endpoint
 * (`PUBLIC_URL/webhooks/stripe/:installationId`, subscribed to exactly HANDLED_EVENT_TYPES) and that
 * its signing secret is stored sealed on the connection. Idempotent: with a recorded endpoint that
 * still exists it only corrects url/events/disabled in place (same secret, no delivery gap); an
 * endpoint deleted in Stripe, or one whose secret Settle lost, is recreated. Creation carries a
 * deterministic idempotency key (connection, previous endpoint, url and events), so two concurrent
 * calls create one endpoint. Never deletes anything but the endpoint it replaces; never logs or
 * returns the secret.
 */
export async function ensureWebhookEndpoint(ctx: AppContext, installationId: string): Promise<EnsureWebhookEndpointResult> {
  const { stripe, connection } = await ctx.stripe.forInstallation(ctx.db, installationId);
  const url = webhookUrlFor(ctx.config.publicUrl, installationId);
  const events = [...HANDLED_EVENT_TYPES];

  if (connection.webhook_endpoint_id) {
    let existing: Stripe.WebhookEndpoint | null = null;
    try {
      existing = await stripe.webhookEndpoints.retrieve(connection.webhook_endpoint_id);
    } catch (err) {
      if (!isMissing(err)) throw err;
    }
    if (existing && connection.webhook_secret_enc) {
      if (existing.url === url && sameEvents(existing.enabled_events) && existing.status === 'enabled') {
        return { endpointId: existing.id, url, action: 'unchanged' };
      }
      await stripe.webhookEndpoints.update(existing.id, { url, enabled_events: events, disabled: false });
      return { endpointId: existing.id, url, action: 'updated' };
    }
    if (existing) {
      // We cannot verify its deliveries without the secret: replace it.
      await stripe.webhookEndpoints.del(existing.id).catch((err: unknown) => {
        if (!isMissing(err)) throw err;
      });
    }
  }

  const keyBasis = `${connection.id}:${connection.webhook_endpoint_id ?? 'none'}:${url}:${events.join(',')}`;
  const idempotencyKey = `settle-webhook-endpoint:${createHash('sha256').update(keyBasis).digest('hex').slice(0, 40)}`;
  const created = await stripe.webhookEndpoints.create(
    {
      url,
      enabled_events: events,
      api_version: Stripe.API_VERSION,
      description: 'Settle (payments add-on for your PSA). Do not delete: Settle relies on it to see payments.',
      metadata: { settle_installation_id: installationId },
    },
    { idempotencyKey },
  );
  if (!created.secret) throw new Error('Stripe did not return the webhook signing secret');
  await ctx
    .db('stripe_connections')
    .where({ id: connection.id })
    .update({ webhook_endpoint_id: created.id, webhook_secret_enc: ctx.secrets.seal(created.secret, connection.id), updated_at: ctx.clock.now() });
  forgetWebhookSecret(ctx, installationId);
  ctx.logger.info({ installationId, endpointId: created.id }, 'Stripe webhook endpoint created');
  return { endpointId: created.id, url, action: 'created' };
}
