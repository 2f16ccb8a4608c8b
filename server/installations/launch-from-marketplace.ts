import { recordAudit } from '../audit/record-audit';
import type { StaffRole } from '../auth/principal';
import type { Clock } from '../clock';
import type { Db } from '../db/database';
import { InstallationScope } from '../db/tenant-scope';
import { AppError } from '../http/app-error';
import { upsertPsaStaffUser, userFromParams } from './install-from-marketplace';
import { verifyMarketplaceRequest } from './marketplace-signature';

/**
 * A signed, short-lived, single-use launch link from the PSA signs a technician in. The first launch
 * creates the staff user with the role the PSA asserts; after that Settle's own role stands. Usable
 * once; a bad or replayed link changes nothing.
 */
export async function launchFromMarketplace(
  db: Db,
  params: Record<string, string>,
  options: { secret: string | null; clock: Clock; ip?: string | undefined },
): Promise<{ installationId: string; staffUserId: string }> {
  return db.transaction(async (trx) => {
    await verifyMarketplaceRequest(trx, 'launch', params, options);
    const installation = (await trx('installations').where({ psa_tenant_ref: params.tenant_id, status: 'active' }).first('id')) as { id: string } | undefined;
    if (!installation) throw new AppError('MARKETPLACE_NOT_INSTALLED');
    const role: StaffRole = params.role === 'admin' ? 'admin' : 'technician';
    if (params.role && params.role !== 'admin' && params.role !== 'technician') throw new AppError('MARKETPLACE_REQUEST_INVALID');
    const scope = new InstallationScope(trx, installation.id);
    const staffUserId = await upsertPsaStaffUser(scope, userFromParams(params), role, { promote: false, now: options.clock.now() });
    await recordAudit(
      scope,
      { actor: { type: 'psa', id: null, label: `PSA user ${params.user_id}` }, action: 'staff.launched', subjectType: 'staff_user', subjectId: staffUserId, details: { role }, ip: options.ip },
      options.clock,
    );
    return { installationId: installation.id, staffUserId };
  });
}
