import type { Clock } from '../clock';
import type { Db } from '../db/database';
import { InstallationScope } from '../db/tenant-scope';
import { recordAudit } from '../audit/record-audit';
import { AppError } from '../http/app-error';
import type { StaffRole } from '../auth/principal';
import { verifyMarketplaceRequest } from './marketplace-signature';

export interface MarketplaceUser {
  psaUserRef: string;
  email: string;
  name: string;
}

interface Options {
  secret: string | null;
  clock: Clock;
  ip?: string | undefined;
}

/**
 * A signed "Install" from the PSA marketplace: creates the installation (or reopens an uninstalled
 * one, with its data intact) and makes the installing PSA user its admin. Verification, the single-use
 * nonce and the writes share one transaction: a bad or replayed request creates nothing. Not
 * idempotent by design: each signed request is usable once.
 */
export async function installFromMarketplace(
  db: Db,
  params: Record<string, string>,
  options: Options,
): Promise<{ installationId: string; staffUserId: string; created: boolean; reopened: boolean }> {
  return db.transaction(async (trx) => {
    await verifyMarketplaceRequest(trx, 'install', params, options);
    const tenant = params.tenant_id!;
    const now = options.clock.now();
    const existing = (await trx('installations').where({ psa_tenant_ref: tenant }).forUpdate().first('id', 'status')) as
      | { id: string; status: string }
      | undefined;
    let installationId: string;
    const reopened = existing?.status === 'uninstalled';
    if (existing) {
      installationId = existing.id;
      if (reopened) await trx('installations').where({ id: existing.id }).update({ status: 'active', uninstalled_at: null, updated_at: now });
    } else {
      const [row] = (await trx('installations')
        .insert({ name: params.tenant_name?.trim() || tenant, psa_tenant_ref: tenant, currency: 'USD', created_at: now, updated_at: now })
        .returning('id')) as Array<{ id: string }>;
      installationId = row!.id;
    }
    const scope = new InstallationScope(trx, installationId);
    const staffUserId = await upsertPsaStaffUser(scope, userFromParams(params), 'admin', { promote: true, now });
    await recordAudit(
      scope,
      {
        actor: { type: 'psa', id: null, label: `PSA user ${params.user_id}` },
        action: existing ? (reopened ? 'installation.reopened' : 'installation.install_relaunched') : 'installation.installed',
        subjectType: 'installation',
        subjectId: installationId,
        details: { psaTenantRef: tenant, admin: params.user_email },
        ip: options.ip,
      },
      options.clock,
    );
    return { installationId, staffUserId, created: !existing, reopened };
  });
}

export function userFromParams(params: Record<string, string>): MarketplaceUser {
  const psaUserRef = params.user_id?.trim();
  const email = params.user_email?.trim().toLowerCase();
  if (!psaUserRef || !email || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) throw new AppError('MARKETPLACE_REQUEST_INVALID');
  return { psaUserRef, email, name: params.user_name?.trim() || email };
}

/**
 * Finds the staff user the PSA means (by PSA user ref, then by email within the installation) or
 * creates one with `role`. `promote` makes an existing user admin (the installing user); otherwise
 * an existing user keeps the role Settle has, since roles are managed in Settle after first launch.
 */
export async function upsertPsaStaffUser(
  scope: InstallationScope,
  user: MarketplaceUser,
  role: StaffRole,
  options: { promote: boolean; now: Date },
): Promise<string> {
  const found = (await scope
    .from('staff_users')
    .where((q) => q.where('psa_user_ref', user.psaUserRef).orWhereRaw('lower(email) = ?', [user.email]))
    .orderByRaw('psa_user_ref = ? desc', [user.psaUserRef])
    .first('id', 'role', 'disabled_at')) as { id: string; role: StaffRole; disabled_at: Date | null } | undefined;
  if (found) {
    if (found.disabled_at) throw new AppError('STAFF_USER_DISABLED');
    await scope
      .from('staff_users')
      .where({ id: found.id })
      .update({ psa_user_ref: user.psaUserRef, ...(options.promote ? { role: 'admin' } : {}), updated_at: options.now });
    return found.id;
  }
  const [row] = (await scope
    .insert('staff_users', { email: user.email, name: user.name, role, psa_user_ref: user.psaUserRef, created_at: options.now, updated_at: options.now })
    .returning('id')) as Array<{ id: string }>;
  return row!.id;
}
