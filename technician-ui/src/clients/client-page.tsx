import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { isApiError } from '../../../ui-kit/api-client';
import { EmptyState } from '../../../ui-kit/components/empty-state';
import { ErrorState } from '../../../ui-kit/components/error-state';
import { InvoiceTable } from '../../../ui-kit/components/invoice-table';
import { PaymentLinkButton } from './payment-link-button';
import { LatestPaymentBadge } from './latest-payment-badge';
import { Loading } from '../../../ui-kit/components/loading';
import { PageHeader } from '../../../ui-kit/components/page-header';
import { Pagination } from '../../../ui-kit/components/pagination';
import { StatCard } from '../../../ui-kit/components/stat-card';
import { TableRegion } from '../../../ui-kit/components/table-region';
import { formatMoney } from '../../../ui-kit/money';
import { AutopayBadge, MappingStatusBadge } from './client-badges';
import { ClientActions } from './client-actions';
import { ClientPaymentMethods } from './client-payment-methods';
import { ClientTabs, useClientTab } from './client-tabs';
import { Badge } from '../../../ui-kit/components/badge';
import { formatDate } from '../../../ui-kit/dates';
import { CLIENT_OVERVIEW_CARDS, CLIENT_TABS } from '../extensions';
import { AutopayPauseNotice } from '../notifications/autopay-pause-notice';
import { PaymentsTable } from '../payments/payments-table';
import { ResendReceiptButton } from '../payments/resend-receipt-button';
import { usePayments } from '../payments/use-payments';
import '../lists/lists.css';
import './client-page.css';
import { ContactsCard } from './contacts-card';
import { PortalAccessCard, withLiveAccess, type PortalAccessByContact } from './portal-access-card';
import type { ClientDetail, TechnicianInvoice } from './types';
import { useClient } from './use-clients';

const INVOICES_PAGE_SIZE = 25;

function MailIcon() {
  return (
    <svg viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <rect x="2" y="3.5" width="12" height="9" rx="1.5" fill="none" stroke="currentColor" strokeWidth="1.4" />
      <path d="m2.5 4.5 5.5 4 5.5-4" fill="none" stroke="currentColor" strokeWidth="1.4" strokeLinejoin="round" />
    </svg>
  );
}

function TagIcon() {
  return (
    <svg viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <path
        d="M2.5 8.1V3.5a1 1 0 0 1 1-1h4.6l5.4 5.4a1 1 0 0 1 0 1.4l-4.2 4.2a1 1 0 0 1-1.4 0L2.5 8.1Z"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.4"
        strokeLinejoin="round"
      />
      <circle cx="5.5" cy="5.5" r="1" fill="currentColor" />
    </svg>
  );
}

function ClientHeader({ client, onChanged }: { client: ClientDetail; onChanged: () => void }) {
  return (
    <PageHeader
      back={{ to: '/clients', label: 'Clients' }}
      title={client.name}
      actions={<ClientActions client={client} onChanged={onChanged} />}
      meta={
        <>
          <span className="meta-item">
            <MailIcon />
            <a href={`mailto:${client.email}`}>{client.email}</a>
          </span>
          <span className="meta-item">
            <TagIcon />
            <span>
              PSA ref <span className="mono">{client.psaRef}</span>
            </span>
          </span>
          <MappingStatusBadge status={client.mappingStatus} />
          <AutopayBadge enabled={client.autopayEnabled} />
          {client.latestPaymentFailed && <Badge tone="danger">Latest payment failed</Badge>}
          {client.awaitingVerificationCount > 0 && <Badge tone="warning">Bank awaiting verification</Badge>}
        </>
      }
    />
  );
}

function ClientInvoices({ invoices }: { invoices: TechnicianInvoice[] }) {
  const [page, setPage] = useState(1);
  const pageCount = Math.max(1, Math.ceil(invoices.length / INVOICES_PAGE_SIZE));
  const current = Math.min(page, pageCount);
  const visible = invoices.slice((current - 1) * INVOICES_PAGE_SIZE, current * INVOICES_PAGE_SIZE);

  return (
    <section className="section" aria-labelledby="invoices-title">
      <h2 className="section__title" id="invoices-title">
        Invoices
      </h2>
      {invoices.length === 0 ? (
        <div className="card">
          <EmptyState title="No invoices">Invoices appear here when your PSA sends them to Settle.</EmptyState>
        </div>
      ) : (
        <>
          <TableRegion label="Invoices">
            <InvoiceTable
              invoices={visible}
              hrefFor={(invoice) => `/invoices/${encodeURIComponent(invoice.id)}`}
              detailed
              extraColumn={{
                header: 'Latest payment',
                render: (invoice) => (
                  <div className="invoice-payment-cell">
                    <LatestPaymentBadge payment={invoice.latestPayment} />
                    {(invoice.status === 'open' || invoice.status === 'partially_paid') && invoice.total > 0 && (
                      <PaymentLinkButton invoiceId={invoice.id} invoiceNumber={invoice.number} />
                    )}
                  </div>
                ),
              }}
            />
          </TableRegion>
          <Pagination
            page={current}
            pageSize={INVOICES_PAGE_SIZE}
            total={invoices.length}
            onPageChange={setPage}
            itemLabel="invoices"
          />
        </>
      )}
    </section>
  );
}

/** One client: who they are, what they owe, who can use the portal, and every invoice's status. */
export function ClientPage() {
  const { clientId = '' } = useParams();
  const resource = useClient(clientId);
  const tab = useClientTab();
  const { error, reload } = resource;
  // Live reloads keep the page on screen; another client's data never stands in for this one.
  const data = resource.data?.client.id === clientId ? resource.data : undefined;
  const [portalAccess, setPortalAccess] = useState<PortalAccessByContact | null>(null);

  if (error) {
    const notFound = isApiError(error) && error.status === 404;
    return (
      <>
        <title>Client · Settle</title>
        <PageHeader back={{ to: '/clients', label: 'Clients' }} title={notFound ? 'Client not found' : 'Client'} />
        <div className="card">
          {notFound ? (
            <EmptyState
              title="This client doesn’t exist"
              action={
                <Link className="btn btn--secondary" to="/clients">
                  Back to clients
                </Link>
              }
            >
              It may have been removed in your PSA, or the link may be wrong.
            </EmptyState>
          ) : (
            <ErrorState error={error} title="We couldn’t load this client" onRetry={reload} />
          )}
        </div>
      </>
    );
  }

  if (!data) {
    return (
      <>
        <title>Client · Settle</title>
        <Loading label="Loading client…" />
      </>
    );
  }

  const { client, invoices } = data;
  return (
    <>
      <title>{`${client.name} · Settle`}</title>
      <ClientHeader client={client} onChanged={reload} />
      <AutopayPauseNotice clientId={client.id} />
      <ClientTabs current={tab} />
      {tab === 'overview' && (
        <>
          <div className="stats">
            <StatCard
              label="Balance due"
              value={formatMoney(client.openBalance, client.currency)}
              hint={`${client.openInvoiceCount} open ${client.openInvoiceCount === 1 ? 'invoice' : 'invoices'}`}
            />
            <StatCard
              label="Overdue"
              value={formatMoney(client.overdueBalance, client.currency)}
              tone={client.overdueBalance > 0 ? 'danger' : 'default'}
              hint={client.overdueBalance > 0 && client.oldestDueDate ? `Oldest due ${formatDate(client.oldestDueDate)}` : 'Nothing overdue'}
            />
            <StatCard
              label="Stripe customer"
              value={client.stripeCustomerId ? <span className="stat__mono">{client.stripeCustomerId}</span> : 'Not linked'}
              hint={
                client.stripeCustomerId
                  ? client.autopayEnabled
                    ? 'Autopay charges invoices on their due date'
                    : client.autopayPausedReason ?? 'Autopay is off'
                  : 'Map this client to take payments'
              }
            />
          </div>
          {CLIENT_OVERVIEW_CARDS.length > 0 && (
            <div className="client-cards">
              {CLIENT_OVERVIEW_CARDS.map(({ id, Component }) => (
                <Component key={id} client={client} onChanged={reload} />
              ))}
            </div>
          )}
          <section className="section" aria-labelledby="recent-title">
            <h2 className="section__title" id="recent-title">
              Recent payments
            </h2>
            <ClientPayments clientId={client.id} pageSize={5} />
          </section>
        </>
      )}
      {tab === 'invoices' && <ClientInvoices key={client.id} invoices={invoices} />}
      {tab === 'payments' && <ClientPayments clientId={client.id} pageSize={25} />}
      {tab === 'methods' && <ClientPaymentMethods key={client.id} clientId={client.id} canAdd={Boolean(client.stripeCustomerId)} onChanged={reload} />}
      {tab === 'contacts' && (
        <>
          <ContactsCard contacts={withLiveAccess(client.contacts, portalAccess)} />
          <PortalAccessCard clientId={client.id} clientName={client.name} contacts={client.contacts} onAccessChange={setPortalAccess} />
        </>
      )}
      {CLIENT_TABS.filter((t) => t.id === tab).map(({ id, Component }) => (
        <Component key={id} client={client} onChanged={reload} />
      ))}
    </>
  );
}

/** The client's payments, newest first: the timeline of what was tried and what happened. */
function ClientPayments({ clientId, pageSize }: { clientId: string; pageSize: number }) {
  const [page, setPage] = useState(1);
  const { data, error, reload, loading } = usePayments({ clientId }, page, pageSize);
  if (error) return <div className="card"><ErrorState error={error} title="We couldn’t load the payments" onRetry={reload} /></div>;
  if (!data) return <div className="card"><Loading label="Loading payments…" /></div>;
  if (data.payments.length === 0) {
    return (
      <div className="card">
        <EmptyState title="No payments yet">Payments appear here when the client pays, by autopay or by link — failed attempts too.</EmptyState>
      </div>
    );
  }
  return (
    <>
      <TableRegion label="Payments" busy={loading}>
        <PaymentsTable payments={data.payments} showClient={false} action={(p) => <ResendReceiptButton payment={p} />} />
      </TableRegion>
      {pageSize > 5 ? (
        <Pagination page={data.page} pageSize={data.pageSize} total={data.total} onPageChange={setPage} itemLabel="payments" />
      ) : (
        data.total > pageSize && (
          <p className="list-summary">
            <Link to="?tab=payments">All {data.total} payments</Link>
          </p>
        )
      )}
    </>
  );
}
