import { Link, useNavigate } from 'react-router-dom';
import { Badge } from '../../../ui-kit/components/badge';
import { formatDate, formatTimestamp } from '../../../ui-kit/dates';
import { formatMoney } from '../../../ui-kit/money';
import { openRowOnClick } from '../../../ui-kit/row-click';
import { AutopayBadge, MappingStatusBadge } from './client-badges';
import type { ClientSummary } from './types';

function Amount({ value, currency, danger = false }: { value: number; currency: string; danger?: boolean }) {
  const className = value === 0 ? 'amount-zero' : danger ? 'amount-danger' : undefined;
  return <span className={className}>{formatMoney(value, currency)}</span>;
}

/** What needs a technician's eye, as badges under the client's name. */
function ClientFlags({ client }: { client: ClientSummary }) {
  if (!client.latestPaymentFailed && client.awaitingVerificationCount === 0) return null;
  return (
    <span className="flag-list">
      {client.latestPaymentFailed && (
        <Badge tone="danger" title="The most recent payment attempt failed">
          Payment failed
        </Badge>
      )}
      {client.awaitingVerificationCount > 0 && (
        <Badge tone="warning" title="A bank account is waiting for the client to confirm micro-deposits">
          Awaiting verification
        </Badge>
      )}
    </span>
  );
}

export function ClientsTable({ clients }: { clients: ClientSummary[] }) {
  const navigate = useNavigate();
  return (
    <table className="table table--stack">
      <thead>
        <tr>
          <th scope="col">Client</th>
          <th scope="col">Mapping</th>
          <th scope="col">Autopay</th>
          <th scope="col" className="is-numeric">
            Balance due
          </th>
          <th scope="col" className="is-numeric">
            Overdue
          </th>
          <th scope="col" className="col-optional">
            Last payment
          </th>
        </tr>
      </thead>
      <tbody>
        {clients.map((client) => {
          const href = `/clients/${encodeURIComponent(client.id)}`;
          return (
            <tr key={client.id} className="is-clickable" onClick={(event) => openRowOnClick(event, () => navigate(href))}>
              <td className="is-primary">
                <div className="cell-primary">
                  <Link className="cell-primary__title" to={href}>
                    {client.name}
                  </Link>
                  <span className="cell-primary__sub">
                    {client.email ?? 'No email'} · <span className="mono">{client.psaRef}</span>
                  </span>
                  <ClientFlags client={client} />
                </div>
              </td>
              <td className="is-badge" data-label="Mapping">
                <span className="cell-stack" style={{ justifyItems: 'start' }}>
                  <MappingStatusBadge status={client.mappingStatus} />
                  {client.stripeDashboardUrl && (
                    <a
                      className="cell-stack__sub mono"
                      href={client.stripeDashboardUrl}
                      target="_blank"
                      rel="noreferrer noopener"
                      onClick={(event) => event.stopPropagation()}
                    >
                      {client.stripeCustomerId}
                      <span className="sr-only"> (opens the Stripe dashboard)</span>
                    </a>
                  )}
                </span>
              </td>
              <td data-label="Autopay">
                <AutopayBadge enabled={client.autopayEnabled} compact />
              </td>
              <td className="is-numeric" data-label="Balance due">
                <span className="cell-stack">
                  <Amount value={client.openBalance} currency={client.currency} />
                  {client.openInvoiceCount > 0 && (
                    <span className="cell-stack__sub">
                      {client.openInvoiceCount} open {client.openInvoiceCount === 1 ? 'invoice' : 'invoices'}
                    </span>
                  )}
                </span>
              </td>
              <td className="is-numeric" data-label="Overdue">
                <span className="cell-stack">
                  <Amount value={client.overdueBalance} currency={client.currency} danger />
                  {client.overdueBalance > 0 && client.oldestDueDate && (
                    <span className="cell-stack__sub">since {formatDate(client.oldestDueDate)}</span>
                  )}
                </span>
              </td>
              <td className="col-optional" data-label="Last payment">
                {client.lastPaidAt ? <span className="nowrap">{formatTimestamp(client.lastPaidAt)}</span> : <span className="muted">None yet</span>}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
