// The ledger's own setting: the amount above which only admins may refund (issue 8, "refunds above
// an amount the admin sets"). Kept on the installation row; null means technicians may refund any
// amount.
import { recordAudit, type AuditActor } from '../audit/record-audit';
import type { Clock } from '../clock';
import type { InstallationScope } from '../db/tenant-scope';

export interface LedgerSettingsView {
  /** Minor units; null: no limit. */
  refundTechnicianLimit: number | null;
  currency: string;
}

export async function getLedgerSettings(scope: InstallationScope): Promise<LedgerSettingsView> {
  const row = (await scope.db('installations').where({ id: scope.installationId }).first('refund_technician_limit', 'currency')) as { refund_technician_limit: number | string | null; currency: string };
  return { refundTechnicianLimit: row.refund_technician_limit === null ? null : Number(row.refund_technician_limit), currency: row.currency.trim() };
}

/** Sets the limit (admins only, checked by the route), audited with before/after. Idempotent. */
export async function updateLedgerSettings(scope: InstallationScope, input: { refundTechnicianLimit: number | null }, meta: { actor: AuditActor; ip?: string | undefined; requestId?: string | undefined }, clock: Clock): Promise<LedgerSettingsView> {
  return scope.transaction(async (tx) => {
    const before = await getLedgerSettings(tx);
    if (before.refundTechnicianLimit === input.refundTechnicianLimit) return before;
    await tx.db('installations').where({ id: tx.installationId }).update({ refund_technician_limit: input.refundTechnicianLimit, updated_at: clock.now() });
    await recordAudit(tx, { actor: meta.actor, action: 'settings.refund_limit_updated', subjectType: 'installation', subjectId: tx.installationId, details: { before: before.refundTechnicianLimit, after: input.refundTechnicianLimit }, ip: meta.ip, requestId: meta.requestId }, clock);
    return getLedgerSettings(tx);
  });
}
