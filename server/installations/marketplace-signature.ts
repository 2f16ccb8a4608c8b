// Requests from the PSA marketplace (install, technician launch, uninstall) are signed with the
// shared secret: hex HMAC-SHA256 over the action and every parameter but `signature`, in a
// canonical form, so no parameter (tenant, user, email, role, timestamp) can be changed or moved to
// another action. They expire after 5 minutes and are single use (marketplace_nonces).
import { createHash, createHmac } from 'node:crypto';
import { safeEqual } from '../auth/tokens';
import type { Clock } from '../clock';
import type { DbOrTrx } from '../db/database';
import { AppError } from '../http/app-error';

export type MarketplaceAction = 'install' | 'launch' | 'uninstall';
export const MARKETPLACE_TOLERANCE_SECONDS = 300;

export function canonicalMarketplaceString(action: MarketplaceAction, params: Record<string, string>): string {
  const pairs = Object.keys(params)
    .filter((k) => k !== 'signature')
    .sort()
    .map((k) => `${k}=${params[k]}`);
  return [action, ...pairs].join('\n');
}

/** What the marketplace does (and tests, and `npm run marketplace:link`). */
export function signMarketplaceParams(action: MarketplaceAction, params: Record<string, string>, secret: string): string {
  return createHmac('sha256', secret).update(canonicalMarketplaceString(action, params)).digest('hex');
}

/**
 * Checks signature and freshness, then records the signature as used (in `db`, ideally the
 * transaction that acts on it). Throws MARKETPLACE_SIGNATURE_INVALID for every failure alike, so a
 * caller learns nothing about which part was wrong.
 */
export async function verifyMarketplaceRequest(
  db: DbOrTrx,
  action: MarketplaceAction,
  params: Record<string, string>,
  options: { secret: string | null; clock: Clock },
): Promise<void> {
  const invalid = () => new AppError('MARKETPLACE_SIGNATURE_INVALID');
  const { signature, timestamp, tenant_id: tenant } = params;
  if (!options.secret || !signature || !timestamp || !tenant || !/^\d{9,11}$/.test(timestamp)) throw invalid();
  const expected = signMarketplaceParams(action, params, options.secret);
  if (!safeEqual(signature.toLowerCase(), expected)) throw invalid();
  const age = options.clock.now().getTime() / 1000 - Number(timestamp);
  if (age > MARKETPLACE_TOLERANCE_SECONDS || age < -60) throw invalid();
  const inserted = (await db('marketplace_nonces')
    .insert({
      signature_hash: createHash('sha256').update(expected).digest('hex'),
      action,
      psa_tenant_ref: tenant,
      used_at: options.clock.now(),
      expires_at: new Date((Number(timestamp) + MARKETPLACE_TOLERANCE_SECONDS) * 1000),
    })
    .onConflict('signature_hash')
    .ignore()
    .returning('signature_hash')) as unknown[];
  if (inserted.length === 0) throw invalid(); // replayed
}
