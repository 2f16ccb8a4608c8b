// The technician's clients list: search, filters, sorting and a page, in ONE query (installation
// facts, the page, the total and each row's overdue amount), so 100 technicians paging through
// 10,000 clients cost one round trip each. Filters and sorts read client_summaries, which triggers
// keep current (migration 20261205000012); overdue is derived here from today in the MSP's timezone.
import type { Knex } from 'knex';
import { z } from 'zod';
import type { Clock } from '../clock';
import { toCount } from '../db/database';
import type { InstallationScope } from '../db/tenant-scope';
import { pageQuery } from '../http/params';
import { AGE_BUCKETS, ageCondition } from '../dashboard/age-buckets';
import { stripeDashboardCustomerUrl } from '../mapping/stripe-dashboard-url';
import type { LatestPaymentView } from '../payments/latest-payments';
import type { InvoiceView } from '../invoices/invoice-view';

export const CLIENT_SORTS = ['name', 'balance', 'oldest_overdue', 'last_payment'] as const;
export type ClientSort = (typeof CLIENT_SORTS)[number];

export const clientListQuery = z
  .object({
    search: z.string().trim().max(200).optional(),
    mapping: z.enum(['unmapped', 'mapped', 'ignored']).optional(),
    autopay: z.enum(['on', 'off']).optional(),
    /** Clients whose most recent payment failed. */
    failed: z.literal('true').optional(),
    /** Clients with a bank account waiting for micro-deposit verification. */
    verification: z.literal('awaiting').optional(),
    balance: z.enum(['due', 'overdue']).optional(),
    /** Clients with an unpaid invoice this many days past due (the dashboard's aging links). */
    age: z.enum(AGE_BUCKETS).optional(),
    sort: z.enum(CLIENT_SORTS).default('name'),
    order: z.enum(['asc', 'desc']).optional(),
    ...pageQuery,
  })
  .strict();
export type ClientListQuery = z.infer<typeof clientListQuery>;

export interface ClientSummaryView {
  id: string;
  name: string;
  email: string | null;
  psaRef: string;
  mappingStatus: 'unmapped' | 'mapped' | 'ignored';
  stripeCustomerId: string | null;
  /** The customer's page in the Stripe dashboard (test or live, from the connection). */
  stripeDashboardUrl: string | null;
  autopayEnabled: boolean;
  currency: string;
  openBalance: number;
  overdueBalance: number;
  openInvoiceCount: number;
  /** Due date of the oldest unpaid invoice (overdue when before today). */
  oldestDueDate: string | null;
  /** When money last arrived (a payment succeeded). */
  lastPaidAt: string | null;
  /** The most recent payment failed (and nothing newer replaced it). */
  latestPaymentFailed: boolean;
  awaitingVerificationCount: number;
}

/** An invoice as technicians see it: with the status of the latest payment behind it. */
export interface TechnicianInvoiceView extends InvoiceView {
  latestPayment: LatestPaymentView | null;
}

export interface ContactView {
  id: string;
  name: string;
  email: string;
  portalAccess: 'active' | 'invited' | 'none';
}

export interface ClientListView {
  clients: ClientSummaryView[];
  page: number;
  pageSize: number;
  total: number;
  sort: ClientSort;
  order: 'asc' | 'desc';
}

export interface ClientRow {
  id: string;
  name: string;
  email: string | null;
  psa_ref: string;
  mapping_status: ClientSummaryView['mappingStatus'];
  stripe_customer_id: string | null;
  autopay_enabled: boolean;
  open_balance: unknown;
  overdue_balance: unknown;
  open_invoice_count: unknown;
  oldest_due_date: string | null;
  last_paid_at: Date | null;
  latest_payment_status: string | null;
  awaiting_verification_count: unknown;
  currency: string;
  livemode: boolean;
}

export function toClientSummary(r: ClientRow): ClientSummaryView {
  return {
    id: r.id,
    name: r.name,
    email: r.email,
    psaRef: r.psa_ref,
    mappingStatus: r.mapping_status,
    stripeCustomerId: r.stripe_customer_id,
    stripeDashboardUrl: r.stripe_customer_id ? stripeDashboardCustomerUrl(r.stripe_customer_id, r.livemode) : null,
    autopayEnabled: r.autopay_enabled,
    currency: r.currency,
    openBalance: toCount(r.open_balance ?? 0),
    overdueBalance: toCount(r.overdue_balance ?? 0),
    openInvoiceCount: toCount(r.open_invoice_count ?? 0),
    oldestDueDate: r.oldest_due_date,
    lastPaidAt: r.last_paid_at ? r.last_paid_at.toISOString() : null,
    latestPaymentFailed: r.latest_payment_status === 'failed',
    awaitingVerificationCount: toCount(r.awaiting_verification_count ?? 0),
  };
}

/** The MSP's currency, today in its timezone and the Stripe mode, as one CTE (`inst`). */
export const INSTALLATION_FACTS_SQL = `
  select i.currency, (?::timestamptz at time zone i.timezone)::date as today,
         coalesce((select sc.livemode from stripe_connections sc
                    where sc.installation_id = i.id and sc.status <> 'disconnected' limit 1), false) as livemode
    from installations i where i.id = ?`;

/** Overdue for one client row `c` against `inst.today`: only computed for the rows of a page. */
export const OVERDUE_SQL = `
  (select coalesce(sum(i.amount_remaining), 0) from invoices i
    where i.installation_id = c.installation_id and i.client_id = c.id
      and i.status in ('open', 'partially_paid') and i.due_date < inst.today)`;

export const CLIENT_ROW_COLUMNS = `c.id, c.name, c.email, c.psa_ref, c.mapping_status, c.stripe_customer_id, c.autopay_enabled,
  s.name_key, s.open_balance, s.open_invoice_count, s.oldest_due_date, s.last_paid_at, s.latest_payment_status, s.awaiting_verification_count`;

const ORDER: Record<ClientSort, { asc: string; desc: string; natural: 'asc' | 'desc' }> = {
  name: { asc: 's.name_key asc, s.client_id asc', desc: 's.name_key desc, s.client_id desc', natural: 'asc' },
  balance: { asc: 's.open_balance asc, s.name_key, s.client_id', desc: 's.open_balance desc, s.name_key, s.client_id', natural: 'desc' },
  oldest_overdue: {
    asc: 's.oldest_due_date asc nulls last, s.name_key, s.client_id',
    desc: 's.oldest_due_date desc nulls last, s.name_key, s.client_id',
    natural: 'asc',
  },
  last_payment: {
    asc: 's.last_paid_at asc nulls last, s.name_key, s.client_id',
    desc: 's.last_paid_at desc nulls last, s.name_key, s.client_id',
    natural: 'desc',
  },
};

/** `%term%` for LIKE, with the term's own wildcards escaped. */
export function containsPattern(term: string): string {
  return `%${term.toLowerCase().replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

/**
 * A page of the installation's clients. Read-only; never reads another installation's rows (every
 * table is filtered by installation_id). The total comes from the same statement (a window count).
 */
export async function listClients(scope: InstallationScope, query: ClientListQuery, clock: Clock): Promise<ClientListView> {
  const where: string[] = ['s.installation_id = ?'];
  const params: Knex.Value[] = [scope.installationId];
  const term = query.search?.trim();
  if (term) {
    where.push('s.search_text like ?');
    params.push(containsPattern(term));
  }
  if (query.mapping) {
    where.push('s.mapping_status = ?');
    params.push(query.mapping);
  }
  if (query.autopay) where.push(query.autopay === 'on' ? 's.autopay_enabled' : 'not s.autopay_enabled');
  if (query.failed) where.push("s.latest_payment_status = 'failed'");
  if (query.verification) where.push('s.awaiting_verification_count > 0');
  if (query.balance === 'due') where.push('s.open_balance > 0');
  if (query.balance === 'overdue') where.push('s.oldest_due_date < (select today from inst)');
  if (query.age) {
    where.push(`exists (select 1 from invoices i where i.installation_id = s.installation_id and i.client_id = s.client_id
      and i.status in ('open', 'partially_paid') and i.amount_remaining > 0
      and ${ageCondition(query.age).replace(/\blate\b/g, '((select today from inst) - i.due_date)')})`);
  }

  const order = query.order ?? ORDER[query.sort].natural;
  const filter = where.join(' and ');
  // The page is chosen on the narrow summaries table (an index scan for every sort), then joined to
  // its 25 clients; the total is a count over the same filter. A page past the end still answers
  // one row (the total, with no client), so one statement always suffices.
  const sql = `
    with inst as (${INSTALLATION_FACTS_SQL}),
    page as (
      select s.client_id from client_summaries s where ${filter} order by ${ORDER[query.sort][order]} limit ? offset ?
    ),
    rows as (
      select ${CLIENT_ROW_COLUMNS}, c.installation_id
        from page join clients c on c.installation_id = ? and c.id = page.client_id
        join client_summaries s on s.client_id = page.client_id
    )
    select c.*, inst.currency, inst.livemode, ${OVERDUE_SQL} as overdue_balance,
           (select count(*) from client_summaries s where ${filter}) as total
      from inst left join rows c on true
     order by ${ORDER[query.sort][order].replace(/\bs\.client_id/g, 'c.id').replace(/\bs\./g, 'c.')}`;
  const result = (await scope.db.raw(sql, [clock.now(), scope.installationId, ...params, query.pageSize, (query.page - 1) * query.pageSize, scope.installationId, ...params])) as {
    rows: Array<ClientRow & { total: unknown }>;
  };
  const rows = result.rows.filter((r) => r.id !== null);
  return { clients: rows.map(toClientSummary), page: query.page, pageSize: query.pageSize, total: toCount(result.rows[0]?.total ?? 0), sort: query.sort, order };
}
