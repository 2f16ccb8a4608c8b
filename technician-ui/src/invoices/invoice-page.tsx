import type { ReactNode } from 'react';
import { Link, useParams } from 'react-router-dom';
import type { InvoiceDetailView } from '../../../server/clients/get-invoice';
import { isApiError } from '../../../ui-kit/api-client';
import { Badge } from '../../../ui-kit/components/badge';
import { EmptyState } from '../../../ui-kit/components/empty-state';
import { ErrorState } from '../../../ui-kit/components/error-state';
import { Loading } from '../../../ui-kit/components/loading';
import { PageHeader } from '../../../ui-kit/components/page-header';
import { StatCard } from '../../../ui-kit/components/stat-card';
import { StatusBadge } from '../../../ui-kit/components/status-badge';
import { TableRegion } from '../../../ui-kit/components/table-region';
import { formatDate, formatTimestamp } from '../../../ui-kit/dates';
import { formatMoney } from '../../../ui-kit/money';
import { useResource } from '../../../ui-kit/use-resource';
import { api } from '../api';
import { AuditTable } from '../audit/audit-table';
import { PaymentLinkButton } from '../clients/payment-link-button';
import { INVOICE_ACTIONS, INVOICE_SECTIONS } from '../extensions';
import { useLiveVersion } from '../live/live-context';
import { PaymentsTable } from '../payments/payments-table';
import '../audit/audit.css';

const RULE_WORDS: Record<string, string> = {
  metadata: 'Paid for this invoice',
  invoice_number: 'Invoice number in the reference',
  exact_amount: 'Exact amount',
  group: 'Several invoices, exact total',
  tolerance: 'Within the underpayment tolerance',
  oldest_first: 'Oldest invoices first',
  manual: 'Applied by a technician',
};

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section className="section" aria-labelledby={id}>
      <h2 className="section__title" id={id}>
        {title}
      </h2>
      {children}
    </section>
  );
}

function Body({ data, onChanged }: { data: InvoiceDetailView; onChanged: () => void }) {
  const { invoice } = data;
  const money = (n: number) => formatMoney(n, invoice.currency);
  const payable = (invoice.status === 'open' || invoice.status === 'partially_paid') && invoice.total > 0;
  return (
    <>
      <PageHeader
        back={{ to: `/clients/${encodeURIComponent(invoice.client.id)}`, label: invoice.client.name }}
        title={`Invoice ${invoice.number}`}
        meta={
          <>
            <StatusBadge invoice={invoice} />
            <span className="meta-item">Issued {formatDate(invoice.issuedAt)}</span>
            <span className="meta-item">Due {formatDate(invoice.dueDate)}</span>
            <span className="meta-item">
              PSA ref <span className="mono">{invoice.psaRef}</span>
            </span>
          </>
        }
        actions={
          <>
            {payable && <PaymentLinkButton invoiceId={invoice.id} invoiceNumber={invoice.number} />}
            {INVOICE_ACTIONS.map(({ id, Component }) => (
              <Component key={id} invoice={invoice} onChanged={onChanged} />
            ))}
          </>
        }
      />
      <div className="stats">
        <StatCard label="Total" value={money(invoice.total)} />
        <StatCard label="Paid" value={money(invoice.amountPaid)} tone={invoice.amountPaid > 0 ? 'success' : 'default'} />
        <StatCard label="Remaining" value={money(invoice.amountRemaining)} tone={invoice.overdue ? 'danger' : 'default'} hint={invoice.overdue ? 'Past its due date' : undefined} />
      </div>

      {INVOICE_SECTIONS.map(({ id, title, Component }) => (
        <Section key={id} id={`section-${id}`} title={title}>
          <Component invoice={invoice} onChanged={onChanged} />
        </Section>
      ))}

      <Section id="payments-title" title="Payments">
        {data.payments.length === 0 ? (
          <div className="card">
            <EmptyState title="No payments yet">Payments for this invoice appear here, including attempts that failed.</EmptyState>
          </div>
        ) : (
          <TableRegion label="Payments for this invoice">
            <PaymentsTable payments={data.payments} showClient={false} />
          </TableRegion>
        )}
      </Section>

      {data.allocations.length > 0 && (
        <Section id="allocations-title" title="Applied to this invoice">
          <TableRegion label="Allocations">
            <table className="table table--stack">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col" className="is-numeric">
                    Amount
                  </th>
                  <th scope="col">How it was matched</th>
                  <th scope="col">State</th>
                </tr>
              </thead>
              <tbody>
                {data.allocations.map((a) => (
                  <tr key={a.id}>
                    <td className="is-primary">{formatTimestamp(a.createdAt)}</td>
                    <td className="is-numeric" data-label="Amount">
                      {money(a.amount)}
                    </td>
                    <td data-label="How">{RULE_WORDS[a.rule] ?? a.rule}</td>
                    <td data-label="State">
                      {a.reversedAt ? <Badge tone="neutral">Reversed</Badge> : a.state === 'applied' ? <Badge tone="success">Applied</Badge> : a.state === 'pending' ? <Badge tone="info">Waiting for the payment</Badge> : <Badge tone="neutral">Canceled</Badge>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableRegion>
        </Section>
      )}

      {(data.refunds.length > 0 || data.disputes.length > 0) && (
        <Section id="refunds-title" title="Refunds and disputes">
          <TableRegion label="Refunds and disputes">
            <table className="table table--stack">
              <thead>
                <tr>
                  <th scope="col">What</th>
                  <th scope="col" className="is-numeric">
                    Amount
                  </th>
                  <th scope="col">Status</th>
                  <th scope="col">Details</th>
                </tr>
              </thead>
              <tbody>
                {data.refunds.map((r) => (
                  <tr key={r.id}>
                    <td className="is-primary">Refund · {formatTimestamp(r.createdAt)}</td>
                    <td className="is-numeric" data-label="Amount">
                      {formatMoney(r.amount, r.currency)}
                    </td>
                    <td data-label="Status">
                      <Badge tone={r.status === 'succeeded' ? 'success' : r.status === 'failed' || r.status === 'canceled' ? 'danger' : 'info'}>{r.status.replace(/_/g, ' ')}</Badge>
                    </td>
                    <td data-label="Details">{r.failureReason ?? r.reason?.replace(/_/g, ' ') ?? '—'}</td>
                  </tr>
                ))}
                {data.disputes.map((d) => (
                  <tr key={d.id}>
                    <td className="is-primary">Dispute{d.reason ? ` · ${d.reason.replace(/_/g, ' ')}` : ''}</td>
                    <td className="is-numeric" data-label="Amount">
                      {formatMoney(d.amount, d.currency)}
                    </td>
                    <td data-label="Status">
                      <Badge tone={d.status === 'won' ? 'success' : d.status === 'lost' ? 'danger' : 'warning'}>{d.status.replace(/_/g, ' ')}</Badge>
                    </td>
                    <td data-label="Details">{d.closedAt ? `Closed ${formatTimestamp(d.closedAt)}` : d.evidenceDueBy ? `Evidence due ${formatTimestamp(d.evidenceDueBy)}` : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableRegion>
        </Section>
      )}

      <Section id="audit-title" title="History">
        {data.audit.length === 0 ? (
          <div className="card">
            <EmptyState title="Nothing recorded yet" />
          </div>
        ) : (
          <TableRegion label="History of this invoice">
            <AuditTable entries={data.audit} showClient={false} />
          </TableRegion>
        )}
      </Section>
    </>
  );
}

/** An invoice for technicians: amounts, payments (failed ones too), allocations, refunds, disputes, history. */
export function InvoicePage() {
  const { invoiceId = '' } = useParams();
  const live = useLiveVersion(`invoice:${invoiceId}`);
  const resource = useResource(`invoice:${invoiceId}#${live}`, (signal) => api.get<InvoiceDetailView>(`/invoices/${encodeURIComponent(invoiceId)}`, { signal }), { keepPreviousData: true });
  const data = resource.data?.invoice.id === invoiceId ? resource.data : undefined;
  if (resource.error && !data) {
    const notFound = isApiError(resource.error) && resource.error.status === 404;
    return (
      <>
        <title>Invoice · Settle</title>
        <PageHeader back={{ to: '/clients', label: 'Clients' }} title={notFound ? 'Invoice not found' : 'Invoice'} />
        <div className="card">
          {notFound ? (
            <EmptyState title="This invoice doesn’t exist" action={<Link className="btn btn--secondary" to="/clients">Back to clients</Link>}>
              It may have been removed in your PSA, or the link may be wrong.
            </EmptyState>
          ) : (
            <ErrorState error={resource.error} title="We couldn’t load this invoice" onRetry={resource.reload} />
          )}
        </div>
      </>
    );
  }
  if (!data) {
    return (
      <>
        <title>Invoice · Settle</title>
        <Loading label="Loading invoice…" />
      </>
    );
  }
  return (
    <>
      <title>{`Invoice ${data.invoice.number} · Settle`}</title>
      <Body data={data} onChanged={resource.reload} />
    </>
  );
}
