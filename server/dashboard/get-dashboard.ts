// The technician UI's landing page: what is owed (by status and by age, in the MSP's timezone), what
// came in per day, what autopay did last and will do next, and what is stuck (verifications waiting
// for clients, failing webhooks and PSA deliveries). Every figure has a list behind it; the UI links
// each number to that list with the same filters.
import type { Clock } from '../clock';
import { toCount } from '../db/database';
import type { InstallationScope } from '../db/tenant-scope';
import { getInstallationSettings } from '../installations/installation-settings';
import { INSTALLATION_FACTS_SQL } from '../clients/list-clients';
import { AGE_BUCKETS, ageCondition, type AgeBucket } from './age-buckets';


export interface Figure {
  count: number;
  /** Minor units of the installation's currency. */
  amount: number;
}

export interface DashboardView {
  currency: string;
  timezone: string;
  /** Today in the MSP's timezone (YYYY-MM-DD). */
  today: string;
  invoices: { open: Figure; overdue: Figure; processing: Figure };
  payments: { failed: Figure; disputed: Figure; failedSinceDays: number };
  aging: Array<Figure & { bucket: AgeBucket }>;
  collected: { days: number; from: string; total: number; series: Array<{ date: string; amount: number; count: number }> };
  autopay: {
    runAt: string;
    nextRunAt: string;
    clientsEnabled: number;
    /** The most recent day autopay charged anything (from charge attempts), or null. */
    lastRun: null | { date: string; charged: number; processing: number; failed: number; needsAction: number; skipped: number; total: number };
  };
  verifications: { methods: number; clients: number };
  integrations: { webhookEventsFailing: number; webhookEventsDead: number; psaDeliveriesFailing: number; psaDeliveriesDead: number };
}

const FAILED_SINCE_DAYS = 30;
const OPEN_DISPUTES = "p.dispute_status is not null and p.dispute_status not in ('won', 'lost')";

type Num = number | string | null;

/** One date per day from `from` to `to` inclusive (YYYY-MM-DD, calendar arithmetic in UTC). */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  const day = new Date(`${from}T00:00:00Z`);
  const end = new Date(`${to}T00:00:00Z`).getTime();
  while (day.getTime() <= end) {
    out.push(day.toISOString().slice(0, 10));
    day.setUTCDate(day.getUTCDate() + 1);
  }
  return out;
}

/** Read-only; a handful of aggregate queries over this installation's rows only. */
export async function getDashboard(scope: InstallationScope, options: { days: 30 | 90 }, clock: Clock): Promise<DashboardView> {
  const now = clock.now();
  const settings = await getInstallationSettings(scope);
  const db = scope.db;
  const id = scope.installationId;
  const facts = (await db.raw(
    `with inst as (${INSTALLATION_FACTS_SQL})
     select inst.currency, inst.today::text as today, (inst.today - ?::int)::text as from_day,
            (case when (?::timestamptz at time zone i.timezone)::time < ?::time then inst.today else inst.today + 1 end + ?::time) at time zone i.timezone as next_run_at
       from inst cross join installations i where i.id = ?`,
    [now, id, options.days - 1, now, settings.autopay.runAt, settings.autopay.runAt, id],
  )) as { rows: Array<{ currency: string; today: string; from_day: string; next_run_at: Date }> };
  const { currency, today, from_day: fromDay, next_run_at: nextRunAt } = facts.rows[0]!;

  const [inv] = ((await db.raw(
    `select
       count(*) filter (where payable) as open_n, coalesce(sum(amount_remaining) filter (where payable), 0) as open_amt,
       count(*) filter (where payable and due_date < ?::date) as overdue_n, coalesce(sum(amount_remaining) filter (where payable and due_date < ?::date), 0) as overdue_amt,
       count(*) filter (where status = 'processing') as proc_n, coalesce(sum(amount_remaining) filter (where status = 'processing'), 0) as proc_amt,
       ${AGE_BUCKETS.map((b, i) => `count(*) filter (where payable and ${ageCondition(b)}) as age${i}_n, coalesce(sum(amount_remaining) filter (where payable and ${ageCondition(b)}), 0) as age${i}_amt`).join(',\n       ')}
     from (select status, due_date, amount_remaining, (status in ('open', 'partially_paid') and amount_remaining > 0) as payable,
                  (?::date - due_date) as late from invoices where installation_id = ?) i`,
    [today, today, today, id],
  )) as { rows: Array<Record<string, Num>> }).rows;
  const fig = (prefix: string): Figure => ({ count: toCount(inv![`${prefix}_n`] ?? 0), amount: toCount(inv![`${prefix}_amt`] ?? 0) });

  const failedSince = new Date(now.getTime() - FAILED_SINCE_DAYS * 86_400_000);
  const [pay] = ((await db.raw(
    `select count(*) filter (where p.status = 'failed' and p.created_at >= ?) as failed_n,
            coalesce(sum(p.amount) filter (where p.status = 'failed' and p.created_at >= ?), 0) as failed_amt,
            count(*) filter (where ${OPEN_DISPUTES}) as disputed_n,
            coalesce(sum(p.amount) filter (where ${OPEN_DISPUTES}), 0) as disputed_amt
       from payments p where p.installation_id = ? and (p.status = 'failed' or p.dispute_status is not null)`,
    [failedSince, failedSince, id],
  )) as { rows: Array<Record<string, Num>> }).rows;

  const daily = ((await db.raw(
    `select (p.succeeded_at at time zone i.timezone)::date::text as day, sum(p.amount) as amount, count(*) as n
       from payments p join installations i on i.id = p.installation_id
      where p.installation_id = ? and p.status = 'succeeded'
        and p.succeeded_at >= (?::date::timestamp at time zone i.timezone)
      group by 1`,
    [id, fromDay],
  )) as { rows: Array<{ day: string; amount: Num; n: Num }> }).rows;
  const byDay = new Map(daily.map((r) => [r.day, r]));
  const series = daysBetween(fromDay, today).map((date) => ({ date, amount: toCount(byDay.get(date)?.amount ?? 0), count: toCount(byDay.get(date)?.n ?? 0) }));

  const [lastRun] = ((await db.raw(
    `with last as (
       select (max(a.created_at) at time zone i.timezone)::date as day, i.timezone from charge_attempts a join installations i on i.id = a.installation_id
        where a.installation_id = ? and a.trigger = 'autopay' group by i.timezone)
     select last.day::text as day, count(a.*) as total,
            count(*) filter (where a.status = 'succeeded') as succeeded, count(*) filter (where a.status in ('processing', 'pending', 'in_flight', 'unknown')) as processing,
            count(*) filter (where a.status = 'failed') as failed, count(*) filter (where a.status = 'requires_action') as needs_action,
            count(*) filter (where a.status = 'skipped') as skipped
       from last join charge_attempts a on a.installation_id = ? and a.trigger = 'autopay' and (a.created_at at time zone last.timezone)::date = last.day
      group by last.day`,
    [id, id],
  )) as { rows: Array<Record<string, Num>> }).rows;

  const [misc] = ((await db.raw(
    `select (select count(*) from clients where installation_id = ? and autopay_enabled) as autopay_clients,
            (select count(*) from payment_methods where installation_id = ? and status = 'pending_verification' and microdeposit_type is not null) as pending_methods,
            (select count(*) from client_summaries where installation_id = ? and awaiting_verification_count > 0) as pending_clients,
            (select count(*) from stripe_events where installation_id = ? and status = 'failed') as events_failing,
            (select count(*) from stripe_events where installation_id = ? and status = 'dead') as events_dead,
            (select count(*) from outbox where installation_id = ? and kind = 'psa_webhook' and status = 'pending' and attempts > 0) as psa_failing,
            (select count(*) from outbox where installation_id = ? and kind = 'psa_webhook' and status = 'dead') as psa_dead`,
    [id, id, id, id, id, id, id],
  )) as { rows: Array<Record<string, Num>> }).rows;
  const n = (v: Num | undefined) => toCount(v ?? 0);

  return {
    currency,
    timezone: settings.timezone,
    today,
    invoices: { open: fig('open'), overdue: fig('overdue'), processing: fig('proc') },
    payments: {
      failed: { count: n(pay?.failed_n), amount: n(pay?.failed_amt) },
      disputed: { count: n(pay?.disputed_n), amount: n(pay?.disputed_amt) },
      failedSinceDays: FAILED_SINCE_DAYS,
    },
    aging: AGE_BUCKETS.map((bucket, i) => ({ bucket, ...fig(`age${i}`) })),
    collected: { days: options.days, from: fromDay, total: series.reduce((s, d) => s + d.amount, 0), series },
    autopay: {
      runAt: settings.autopay.runAt,
      nextRunAt: nextRunAt.toISOString(),
      clientsEnabled: n(misc?.autopay_clients),
      lastRun: lastRun
        ? {
            date: String(lastRun.day),
            charged: n(lastRun.succeeded),
            processing: n(lastRun.processing),
            failed: n(lastRun.failed),
            needsAction: n(lastRun.needs_action),
            skipped: n(lastRun.skipped),
            total: n(lastRun.total),
          }
        : null,
    },
    verifications: { methods: n(misc?.pending_methods), clients: n(misc?.pending_clients) },
    integrations: {
      webhookEventsFailing: n(misc?.events_failing),
      webhookEventsDead: n(misc?.events_dead),
      psaDeliveriesFailing: n(misc?.psa_failing),
      psaDeliveriesDead: n(misc?.psa_dead),
    },
  };
}
