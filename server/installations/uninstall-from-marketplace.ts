import { recordAudit } from '../audit/record-audit';
import { InstallationScope } from '../db/tenant-scope';
import { AppError } from '../http/app-error';
import type { AppContext } from '../http/context';
import { disconnectStripe } from '../stripe/disconnect-stripe';
import { verifyMarketplaceRequest } from './marketplace-signature';

/**
 * A signed uninstall: the installation stops (sessions end, API keys and scheduled work stop because
 * they only run for active installations), Stripe is disconnected and Settle's webhook endpoint is
 * deleted; invoices, payments, allocations and the audit log are kept. Reinstalling reopens it.
 * The status change is recorded before Stripe is called; the Stripe cleanup is idempotent, so a
 * retried uninstall finishes it.
 */
export async function uninstallFromMarketplace(
  ctx: AppContext,
  params: Record<string, string>,
  options: { ip?: string | undefined },
): Promise<{ installationId: string; stripe: { disconnected: boolean; endpointDeleted: boolean } }> {
  const installationId = await ctx.db.transaction(async (trx) => {
    await verifyMarketplaceRequest(trx, 'uninstall', params, { secret: ctx.config.marketplaceSecret, clock: ctx.clock });
    const inst = (await trx('installations').where({ psa_tenant_ref: params.tenant_id }).forUpdate().first('id', 'status')) as
      | { id: string; status: string }
      | undefined;
    if (!inst) throw new AppError('MARKETPLACE_NOT_INSTALLED');
    const now = ctx.clock.now();
    if (inst.status !== 'uninstalled') {
      await trx('installations').where({ id: inst.id }).update({ status: 'uninstalled', uninstalled_at: now, updated_at: now });
    }
    await trx('sessions').where({ installation_id: inst.id }).delete();
    await recordAudit(
      new InstallationScope(trx, inst.id),
      { actor: { type: 'psa', id: null, label: 'PSA marketplace' }, action: 'installation.uninstalled', subjectType: 'installation', subjectId: inst.id, ip: options.ip },
      ctx.clock,
    );
    return inst.id;
  });
  const stripe = await disconnectStripe(ctx, installationId);
  return { installationId, stripe };
}
