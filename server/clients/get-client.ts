// One client for the technician's client page: the summary the list shows, contacts with their
// portal access, and every invoice with the latest payment behind it. Payment methods and the
// payments timeline have their own endpoints (list-client-payment-methods, staff-payments), so each
// section of the page loads and refreshes on its own.
import type { InstallationScope } from '../db/tenant-scope';
import type { Clock } from '../clock';
import { AppError } from '../http/app-error';
import { INVOICE_COLUMNS, toInvoiceView, type InvoiceRow } from '../invoices/invoice-view';
import { latestPaymentsByInvoice } from '../payments/latest-payments';
import {
  CLIENT_ROW_COLUMNS,
  INSTALLATION_FACTS_SQL,
  OVERDUE_SQL,
  toClientSummary,
  type ClientRow,
  type ClientSummaryView,
  type ContactView,
  type TechnicianInvoiceView,
} from './list-clients';

export interface ClientDetailView extends ClientSummaryView {
  contacts: ContactView[];
  autopayPausedReason: string | null;
}

/** The client, or CLIENT_NOT_FOUND (also for another installation's id). Read-only. */
export async function getClient(
  scope: InstallationScope,
  clientId: string,
  clock: Clock,
): Promise<{ client: ClientDetailView; invoices: TechnicianInvoiceView[] }> {
  const result = (await scope.db.raw(
    `with inst as (${INSTALLATION_FACTS_SQL})
     select ${CLIENT_ROW_COLUMNS}, c.autopay_paused_reason, inst.currency, inst.livemode, inst.today::text as today, ${OVERDUE_SQL} as overdue_balance
       from clients c join client_summaries s on s.client_id = c.id cross join inst
      where c.installation_id = ? and c.id = ?`,
    [clock.now(), scope.installationId, scope.installationId, clientId],
  )) as { rows: Array<ClientRow & { today: string; autopay_paused_reason: string | null }> };
  const row = result.rows[0];
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
      ...toClientSummary(row),
      autopayPausedReason: row.autopay_paused_reason,
      contacts: contacts.map((c) => ({
        id: c.id,
        name: c.name,
        email: c.email,
        portalAccess: c.portal_user_id ? (c.password_hash ? 'active' : 'invited') : 'none',
      })),
    },
    invoices: invoices.map((r) => ({ ...toInvoiceView(r, row.today), latestPayment: latest.get(r.id) ?? null })),
  };
}
