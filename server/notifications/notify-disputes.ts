// Tells the MSP's staff about each new dispute (`dispute:{id}:created`), with the amount, the client,
// the invoices the payment paid, the reason in plain words and the evidence deadline. Found from the
// disputes table that the webhook sync fills, so a dispute synced by any process, webhook or sweep,
// is told exactly once.
import { InstallationScope } from '../db/tenant-scope';
import { disputeStaffEmail } from '../email/notification-templates';
import type { AppContext } from '../http/context';
import { DAY_MS, eachIsolated, noticeEnv, NOTIFY_HORIZON_DAYS, type SweepResult } from './notice-env';
import { staffRecipients } from './recipients';
import { sendNotice } from './send-notice';

interface DisputeFacts {
  id: string;
  payment_id: string;
  amount: number;
  currency: string;
  reason: string | null;
  evidence_due_by: Date | null;
  client_id: string | null;
  client_name: string | null;
  msp_name: string;
  timezone: string;
}

async function notifyDispute(ctx: AppContext, installationId: string, disputeId: string): Promise<boolean> {
  return new InstallationScope(ctx.db, installationId).transaction(async (scope) => {
    const d = (await scope
      .from('disputes')
      .join('payments as p', (j) => j.on('p.installation_id', 'disputes.installation_id').andOn('p.id', 'disputes.payment_id'))
      .leftJoin('clients as c', (j) => j.on('c.installation_id', 'p.installation_id').andOn('c.id', 'p.client_id'))
      .join('installations as i', 'i.id', 'disputes.installation_id')
      .where('disputes.id', disputeId)
      .first(
        'disputes.id', 'disputes.payment_id', 'disputes.amount', 'disputes.currency', 'disputes.reason', 'disputes.evidence_due_by',
        'p.client_id', 'c.name as client_name', 'i.name as msp_name', 'i.timezone',
      )) as DisputeFacts | undefined;
    if (!d) return false;
    const numbers = (await scope
      .from('allocations')
      .join('invoices as inv', (j) => j.on('inv.installation_id', 'allocations.installation_id').andOn('inv.id', 'allocations.invoice_id'))
      .where('allocations.payment_id', d.payment_id)
      .whereNot('allocations.state', 'canceled')
      .orderBy('inv.number')
      .pluck('inv.number')) as string[];
    const base = ctx.config.publicUrl;
    const sent = await sendNotice(
      scope,
      {
        eventKey: `dispute:${d.id}:created`,
        category: 'dispute',
        clientId: d.client_id,
        subjectType: 'dispute',
        subjectId: d.id,
        recipients: await staffRecipients(scope),
        render: () =>
          disputeStaffEmail({
            mspName: d.msp_name,
            clientName: d.client_name ?? 'A client',
            amount: d.amount,
            currency: d.currency,
            reason: d.reason,
            invoiceNumbers: [...new Set(numbers)],
            evidenceDueBy: d.evidence_due_by,
            timezone: d.timezone,
            clientUrl: d.client_id ? `${base}/app/clients/${d.client_id}` : `${base}/app/clients`,
          }),
      },
      noticeEnv(ctx),
      ctx.clock,
    );
    return sent !== null;
  });
}

/** Queues staff notices for new disputes. Idempotent, multi-process safe, failures isolated per dispute; changes nothing else. */
export async function notifyDisputes(ctx: AppContext, options: { batchSize?: number } = {}): Promise<SweepResult> {
  const since = new Date(ctx.clock.now().getTime() - NOTIFY_HORIZON_DAYS * DAY_MS);
  const due = (await ctx
    .db('disputes as d')
    .join('installations as i', 'i.id', 'd.installation_id')
    .where('i.status', 'active')
    .where('d.created_at', '>=', since)
    .whereNotExists(ctx.db('notifications as n').whereRaw('n.installation_id = d.installation_id').whereRaw(`n.event_key = 'dispute:' || d.id::text || ':created'`))
    .orderBy('d.created_at')
    .limit(options.batchSize ?? 200)
    .select('d.id', 'd.installation_id')) as Array<{ id: string; installation_id: string }>;
  return eachIsolated(ctx, due, 'dispute', (d) => notifyDispute(ctx, d.installation_id, d.id));
}
