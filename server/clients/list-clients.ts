import type { Knex } from 'knex';
import type { Clock } from '../clock';
import { toCount } from '../db/database';
import type { InstallationScope } from '../db/tenant-scope';
import { AppError } from '../http/app-error';
import { latestPaymentsByInvoice, type LatestPaymentView } from '../payments/latest-payments';
import { connectionLivemode } from '../mapping/apply-mapping-change';
import { stripeDashboardCustomerUrl } from '../mapping/stripe-dashboard-url';
import { INVOICE_COLUMNS, installationToday, toInvoiceView, type InvoiceRow, type InvoiceView } from '../invoices/invoice-view';

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

interface ClientRow {
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
}

/** Per-client balances in one grouped pass over the installation's unsettled invoices. */
function balances(scope: InstallationScope, today: string): Knex.QueryBuilder {
  return scope
    .from('invoices')
    .whereIn('status', ['open', 'partially_paid', 'processing'])
    .groupBy('client_id')
    .select(
      'client_id',
      scope.db.raw('sum(amount_remaining) as open_balance'),
      scope.db.raw(`coalesce(sum(amount_remaining) filter (where status in ('open','partially_paid') and due_date < ?), 0) as overdue_balance`, [today]),
      scope.db.raw('count(*) as open_invoice_count'),
    )
    .as('b');
}

function toSummary(r: ClientRow, currency: string, livemode: boolean): ClientSummaryView {
  return {
    id: r.id,
    name: r.name,
    email: r.email,
    psaRef: r.psa_ref,
    mappingStatus: r.mapping_status,
    stripeCustomerId: r.stripe_customer_id,
    stripeDashboardUrl: r.stripe_customer_id ? stripeDashboardCustomerUrl(r.stripe_customer_id, livemode) : null,
    autopayEnabled: r.autopay_enabled,
    currency,
    openBalance: toCount(r.open_balance ?? 0),
    overdueBalance: toCount(r.overdue_balance ?? 0),
    openInvoiceCount: toCount(r.open_invoice_count ?? 0),
  };
}

const CLIENT_COLUMNS = ['clients.id', 'clients.name', 'clients.email', 'clients.psa_ref', 'clients.mapping_status', 'clients.stripe_customer_id', 'clients.autopay_enabled'];

/** Clients of the installation, searched by name, email or PSA ref, a page at a time. Read-only. */
export async function listClients(
  scope: InstallationScope,
  options: { search?: string | undefined; page: number; pageSize: number },
  clock: Clock,
): Promise<{ clients: ClientSummaryView[]; page: number; pageSize: number; total: number }> {
  const { today, currency } = await installationToday(scope.db, scope.installationId, clock.now());
  const filtered = () => {
    const q = scope.from('clients');
    const term = options.search?.trim();
    if (term) {
      const like = `%${term.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      q.andWhere((w) =>
        w
          .whereRaw('lower(clients.name) like ?', [like])
          .orWhereRaw('lower(clients.email) like ?', [like])
          .orWhereRaw('lower(clients.psa_ref) like ?', [like])
          .orWhere('clients.stripe_customer_id', term),
      );
    }
    return q;
  };
  const countRow = (await filtered().count({ n: '*' }).first()) as { n: unknown };
  const rows = (await filtered()
    .leftJoin(balances(scope, today), 'b.client_id', 'clients.id')
    .select([...CLIENT_COLUMNS, 'b.open_balance', 'b.overdue_balance', 'b.open_invoice_count'])
    .orderByRaw('lower(clients.name) asc, clients.id asc')
    .limit(options.pageSize)
    .offset((options.page - 1) * options.pageSize)) as ClientRow[];
  const livemode = await connectionLivemode(scope);
  return { clients: rows.map((r) => toSummary(r, currency, livemode)), page: options.page, pageSize: options.pageSize, total: toCount(countRow.n) };
}

/** One client with contacts and invoices, or CLIENT_NOT_FOUND (also for other installations). */
export async function getClient(
  scope: InstallationScope,
  clientId: string,
  clock: Clock,
): Promise<{ client: ClientSummaryView & { contacts: ContactView[] }; invoices: TechnicianInvoiceView[] }> {
  const { today, currency } = await installationToday(scope.db, scope.installationId, clock.now());
  const row = (await scope
    .from('clients')
    .where('clients.id', clientId)
    .leftJoin(balances(scope, today), 'b.client_id', 'clients.id')
    .first([...CLIENT_COLUMNS, 'b.open_balance', 'b.overdue_balance', 'b.open_invoice_count'])) as ClientRow | undefined;
  if (!row) throw new AppError('CLIENT_NOT_FOUND');
  const client = scope.forClient(clientId);
  const contacts = (await client
    .from('client_contacts')
    .leftJoin('portal_users as pu', (j) => j.on('pu.contact_id', 'client_contacts.id').andOnNull('pu.disabled_at'))
    .select('client_contacts.id', 'client_contacts.name', 'client_contacts.email', 'pu.id as portal_user_id', 'pu.password_hash')
    .orderBy('client_contacts.name')) as Array<{ id: string; name: string; email: string; portal_user_id: string | null; password_hash: string | null }>;
  const invoices = (await client.from('invoices').select(INVOICE_COLUMNS).orderBy('invoices.due_date', 'desc').orderBy('invoices.number', 'desc')) as InvoiceRow[];
  const latest = await latestPaymentsByInvoice(scope, invoices.map((i) => i.id));
  return {
    client: {
      ...toSummary(row, currency, await connectionLivemode(scope)),
      contacts: contacts.map((c) => ({
        id: c.id,
        name: c.name,
        email: c.email,
        portalAccess: c.portal_user_id ? (c.password_hash ? 'active' : 'invited') : 'none',
      })),
    },
    invoices: invoices.map((r) => ({ ...toInvoiceView(r, today), latestPayment: latest.get(r.id) ?? null })),
  };
}
