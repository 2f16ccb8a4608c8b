// "Your invoice will be charged on …" N days ahead (the MSP's setting autopay.upcomingNoticeDays; off
// by default). Which invoices will be charged, and on which day, is exactly what the portal's Autopay
// page shows (getAutopay: on, not paused, a usable method, under the maximum, nothing in flight), so
// the email can never promise a charge the page does not. One notice per invoice and due date
// (`autopay-upcoming:{invoiceId}:{dueDate}`): a new due date is a new charge, and worth a new notice.
// Non-essential: recipients can unsubscribe.
import { ClientScope, InstallationScope } from '../db/tenant-scope';
import { upcomingAutopayEmail } from '../email/notification-templates';
import type { AppContext } from '../http/context';
import { resolveSettings } from '../installations/installation-settings';
import { localDate } from '../installations/local-date';
import { paymentMethodLabel } from '../payment-methods/payment-method-display';
import { getAutopay, SCHEDULABLE_STATUSES } from '../portal-payment-methods/autopay';
import { eachIsolated, noticeEnv, type SweepResult } from './notice-env';
import { clientRecipients } from './recipients';
import { sendNotice } from './send-notice';

const addDays = (day: string, n: number) => {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
};

const eventKey = (invoiceId: string, dueDate: string) => `autopay-upcoming:${invoiceId}:${dueDate}`;

interface Candidate {
  id: string;
  client_id: string;
  due_date: string;
}

/** Invoices of autopay clients falling due within the window, not yet announced. Read-only. */
async function candidates(ctx: AppContext, scope: InstallationScope, today: string, days: number, limit: number): Promise<Candidate[]> {
  return (await scope
    .from('invoices')
    .join('clients as c', (j) => j.on('c.installation_id', 'invoices.installation_id').andOn('c.id', 'invoices.client_id'))
    .where('c.autopay_enabled', true)
    .whereNull('c.autopay_paused_reason')
    .whereIn('invoices.status', SCHEDULABLE_STATUSES)
    .where('invoices.amount_remaining', '>', 0)
    // Charged on the due date: tomorrow at the earliest, at most `days` ahead.
    .where('invoices.due_date', '>', today)
    .where('invoices.due_date', '<=', addDays(today, days))
    .whereNotExists(
      ctx
        .db('notifications as n')
        .whereRaw('n.installation_id = invoices.installation_id')
        .whereRaw(`n.event_key = 'autopay-upcoming:' || invoices.id::text || ':' || to_char(invoices.due_date, 'YYYY-MM-DD')`),
    )
    .orderBy([{ column: 'invoices.due_date' }, { column: 'invoices.id' }])
    .limit(limit)
    .select('invoices.id', 'invoices.client_id', 'invoices.due_date')) as Candidate[];
}

/** One client's due notices: each only if the portal's own schedule says it will be charged. */
async function notifyClient(ctx: AppContext, installationId: string, clientId: string, invoices: Candidate[]): Promise<boolean> {
  const clientScope = new ClientScope(ctx.db, installationId, clientId);
  const autopay = await getAutopay(clientScope, ctx.clock);
  if (!autopay.enabled || autopay.pausedReason || !autopay.paymentMethodId) return false;
  const method = (await clientScope.from('payment_methods').where({ id: autopay.paymentMethodId }).first('type', 'brand', 'bank_name', 'last4')) as
    | { type: string; brand: string | null; bank_name: string | null; last4: string | null }
    | undefined;
  const names = (await ctx.db('installations as i').join('clients as c', 'c.installation_id', 'i.id').where({ 'i.id': installationId, 'c.id': clientId }).first('i.name as msp', 'c.name as client')) as { msp: string; client: string };
  let sent = false;
  for (const inv of invoices) {
    const row = autopay.scheduled.find((s) => s.invoiceId === inv.id);
    if (!row?.willCharge || row.dueDate !== inv.due_date) continue;
    const result = await new InstallationScope(ctx.db, installationId).transaction(async (scope) =>
      sendNotice(
        scope,
        {
          eventKey: eventKey(inv.id, row.dueDate),
          category: 'autopay_upcoming',
          clientId,
          subjectType: 'invoice',
          subjectId: inv.id,
          recipients: await clientRecipients(scope, clientId),
          render: (unsubscribeUrl) =>
            upcomingAutopayEmail({
              mspName: names.msp,
              clientName: names.client,
              invoiceNumber: row.number,
              amount: row.amountRemaining,
              currency: row.currency,
              methodLabel: method ? paymentMethodLabel(method) : 'your autopay method',
              chargeDate: row.dueDate,
              autopayUrl: `${ctx.config.publicUrl}/portal/autopay`,
              unsubscribeUrl,
            }),
        },
        noticeEnv(ctx),
        ctx.clock,
      ),
    );
    sent ||= result !== null;
  }
  return sent;
}

/**
 * Queues upcoming-autopay notices for every installation that turned them on. Idempotent (event keys),
 * multi-process safe, failures isolated per client. Never charges or changes anything else.
 */
export async function notifyUpcomingAutopay(ctx: AppContext, options: { batchSize?: number } = {}): Promise<SweepResult> {
  const installations = (await ctx
    .db('installations')
    .where({ status: 'active' })
    .whereRaw(`settings -> 'autopay' ->> 'upcomingNoticeDays' is not null`)
    .select('id', 'settings', 'timezone')) as Array<{ id: string; settings: unknown; timezone: string }>;
  const total: SweepResult = { notified: 0, failed: 0 };
  for (const inst of installations) {
    const days = resolveSettings(inst.settings).autopay.upcomingNoticeDays;
    if (!days) continue;
    const scope = new InstallationScope(ctx.db, inst.id);
    const due = await candidates(ctx, scope, localDate(ctx.clock.now(), inst.timezone), days, options.batchSize ?? 500);
    const byClient = new Map<string, Candidate[]>();
    for (const c of due) byClient.set(c.client_id, [...(byClient.get(c.client_id) ?? []), c]);
    const result = await eachIsolated(ctx, [...byClient.entries()], 'upcoming autopay', ([clientId, invoices]) => notifyClient(ctx, inst.id, clientId, invoices));
    total.notified += result.notified;
    total.failed += result.failed;
  }
  return total;
}
