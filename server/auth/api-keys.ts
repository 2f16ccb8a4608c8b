// PSA API keys: `stk_<prefix>_<secret>`. Only a SHA-256 of the whole key is stored; the key is
// returned once, at creation. The prefix identifies a key in lists without revealing it.
import type { Clock } from '../clock';
import type { DbOrTrx } from '../db/database';
import type { InstallationScope } from '../db/tenant-scope';
import { AppError } from '../http/app-error';
import type { ApiKeyPrincipal } from './principal';
import { hashToken, newToken } from './tokens';

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  createdBy: string | null;
}

interface ApiKeyRow {
  id: string;
  name: string;
  prefix: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
  created_by_name: string | null;
}

const toView = (r: ApiKeyRow): ApiKeyView => ({
  id: r.id,
  name: r.name,
  prefix: `stk_${r.prefix}`,
  createdAt: r.created_at.toISOString(),
  lastUsedAt: r.last_used_at?.toISOString() ?? null,
  revokedAt: r.revoked_at?.toISOString() ?? null,
  createdBy: r.created_by_name,
});

function selectKeys(scope: InstallationScope) {
  return scope
    .from('api_keys')
    .leftJoin('staff_users as u', 'u.id', 'api_keys.created_by')
    .select('api_keys.id', 'api_keys.name', 'api_keys.prefix', 'api_keys.created_at', 'api_keys.last_used_at', 'api_keys.revoked_at', 'u.name as created_by_name');
}

/** Creates a key and returns its secret once. Not idempotent: each call makes a new key. */
export async function createApiKey(
  scope: InstallationScope,
  input: { name: string; createdBy: string },
  clock: Clock,
): Promise<{ apiKey: ApiKeyView; secret: string }> {
  const prefix = newToken(6).replace(/[-_]/g, 'x').slice(0, 8);
  const secret = `stk_${prefix}_${newToken(32)}`;
  const [row] = (await scope.insert('api_keys', {
    name: input.name,
    prefix,
    key_hash: hashToken(secret),
    created_by: input.createdBy,
    created_at: clock.now(),
    updated_at: clock.now(),
  }).returning('id')) as Array<{ id: string }>;
  const created = (await selectKeys(scope).where('api_keys.id', row!.id).first()) as ApiKeyRow;
  return { apiKey: toView(created), secret };
}

export async function listApiKeys(scope: InstallationScope): Promise<ApiKeyView[]> {
  const rows = (await selectKeys(scope).orderBy('api_keys.created_at', 'desc')) as ApiKeyRow[];
  return rows.map(toView);
}

/** Idempotent: revoking a revoked key keeps its first revocation time. */
export async function revokeApiKey(scope: InstallationScope, id: string, clock: Clock): Promise<ApiKeyView> {
  const existing = (await selectKeys(scope).where('api_keys.id', id).first()) as ApiKeyRow | undefined;
  if (!existing) throw new AppError('API_KEY_NOT_FOUND');
  await scope.from('api_keys').where({ id }).whereNull('revoked_at').update({ revoked_at: clock.now(), updated_at: clock.now() });
  return toView((await selectKeys(scope).where('api_keys.id', id).first()) as ApiKeyRow);
}

/** Resolves a presented key to its installation, or null. Records last use at most once a minute. */
export async function authenticateApiKey(db: DbOrTrx, presented: string, clock: Clock): Promise<ApiKeyPrincipal | null> {
  if (!/^stk_[A-Za-z0-9]{8}_[A-Za-z0-9_-]{43}$/.test(presented)) return null;
  const row = (await db('api_keys as k')
    .join('installations as i', 'i.id', 'k.installation_id')
    .where({ 'k.key_hash': hashToken(presented), 'i.status': 'active' })
    .whereNull('k.revoked_at')
    .first('k.id', 'k.installation_id', 'k.name', 'k.last_used_at')) as
    | { id: string; installation_id: string; name: string; last_used_at: Date | null }
    | undefined;
  if (!row) return null;
  const now = clock.now();
  if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() > 60_000) {
    await db('api_keys').where({ id: row.id }).update({ last_used_at: now });
  }
  return { kind: 'api_key', installationId: row.installation_id, apiKeyId: row.id, name: row.name };
}
