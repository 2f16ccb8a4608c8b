// The signing secret of an installation's webhook endpoint, opened from stripe_connections. Kept
// decrypted in memory for a short while: the acknowledgement path must stay fast (no database read
// and no AES per event under load). A cached secret that fails to verify is re-read once, so a
// recreated endpoint's new secret works at once; entries expire so an uninstall takes effect soon.
import type { AppContext } from '../http/context';
import type { StripeConnectionRow } from '../stripe/stripe-clients';

const TTL_MS = 60_000;
const MAX_ENTRIES = 10_000;

interface Entry {
  secret: string;
  sealed: string;
  loadedAt: number;
}

const caches = new WeakMap<AppContext, Map<string, Entry>>();

function cacheOf(ctx: AppContext): Map<string, Entry> {
  let cache = caches.get(ctx);
  if (!cache) {
    cache = new Map();
    caches.set(ctx, cache);
  }
  return cache;
}

/** The webhook secret, or null when the installation has no active connection or no endpoint secret. */
export async function resolveWebhookSecret(ctx: AppContext, installationId: string, options: { fresh?: boolean } = {}): Promise<string | null> {
  const cache = cacheOf(ctx);
  const now = Date.now();
  const hit = cache.get(installationId);
  if (hit && !options.fresh && now - hit.loadedAt < TTL_MS) return hit.secret;
  const connection = (await ctx.db('stripe_connections')
    .where({ installation_id: installationId })
    .whereNot('status', 'disconnected')
    .first('id', 'webhook_secret_enc')) as Pick<StripeConnectionRow, 'id' | 'webhook_secret_enc'> | undefined;
  if (!connection?.webhook_secret_enc) {
    cache.delete(installationId);
    return null;
  }
  const secret = hit && hit.sealed === connection.webhook_secret_enc ? hit.secret : ctx.secrets.open(connection.webhook_secret_enc, connection.id);
  if (cache.size >= MAX_ENTRIES) cache.clear();
  cache.set(installationId, { secret, sealed: connection.webhook_secret_enc, loadedAt: now });
  return secret;
}

/** Forgets a cached secret (after the endpoint was recreated or removed in this process). */
export function forgetWebhookSecret(ctx: AppContext, installationId: string): void {
  cacheOf(ctx).delete(installationId);
}
