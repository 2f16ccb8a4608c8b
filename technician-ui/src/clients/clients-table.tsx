import { Link, useNavigate } from 'react-router-dom';
import { formatMoney } from '../../../ui-kit/money';
import { AutopayBadge, MappingStatusBadge } from './client-badges';
import type { ClientSummary } from './types';
import { openRowOnClick } from '../../../ui-kit/row-click';

function Amount({ value, currency, danger = false }: { value: number; currency: string; danger?: boolean }) {
  const className = value === 0 ? 'amount-zero' : danger ? 'amount-danger' : undefined;
  return <span className={className}>{formatMoney(value, currency)}</span>;
}

export function ClientsTable({ clients }: { clients: ClientSummary[] }) {
  const navigate = useNavigate();
  return (
    <table className="table table--stack">
      <thead>
        <tr>
          <th scope="col">Client</th>
          <th scope="col">PSA ref</th>
          <th scope="col">Mapping</th>
          <th scope="col">Autopay</th>
          <th scope="col" className="is-numeric">
            Open balance
          </th>
          <th scope="col" className="is-numeric">
            Overdue
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
                  <span className="cell-primary__sub">{client.email}</span>
                </div>
              </td>
              <td data-label="PSA ref">
                <span className="mono">{client.psaRef}</span>
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
              <td className="is-numeric" data-label="Open balance">
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
                <Amount value={client.overdueBalance} currency={client.currency} danger />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
