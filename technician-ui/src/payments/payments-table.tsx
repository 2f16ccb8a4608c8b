import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { formatTimestamp } from '../../../ui-kit/dates';
import { formatMoney } from '../../../ui-kit/money';
import { METHOD_WORDS, PaymentStatusBadge } from '../clients/latest-payment-badge';
import type { StaffPayment } from './use-payments';

const SOURCE_WORDS: Record<string, string> = {
  portal: 'Client portal',
  autopay: 'Autopay',
  link: 'Payment link',
  technician: 'Technician',
  bank_transfer: 'Bank transfer',
  offline: 'Recorded offline',
};

export function sourceWords(source: string): string {
  return SOURCE_WORDS[source] ?? source;
}

/** Payments with status, amount, method, source, client and invoices; `showClient` off on a client's page. */
export function PaymentsTable({ payments, showClient = true, action }: { payments: StaffPayment[]; showClient?: boolean; action?: (payment: StaffPayment) => ReactNode }) {
  return (
    <table className="table table--stack">
      <thead>
        <tr>
          <th scope="col">Date</th>
          {showClient && <th scope="col">Client</th>}
          <th scope="col">Status</th>
          <th scope="col" className="is-numeric">
            Amount
          </th>
          <th scope="col">Method</th>
          <th scope="col" className="col-optional">
            Source
          </th>
          <th scope="col">Invoices</th>
          {action && (
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          )}
        </tr>
      </thead>
      <tbody>
        {payments.map((p) => (
          <tr key={p.id}>
            <td className="is-primary">
              <span className="nowrap">{formatTimestamp(p.date)}</span>
            </td>
            {showClient && (
              <td data-label="Client">{p.client ? <Link to={`/clients/${encodeURIComponent(p.client.id)}`}>{p.client.name}</Link> : <span className="muted">Unidentified</span>}</td>
            )}
            <td className="is-badge" data-label="Status">
              <span className="cell-stack" style={{ justifyItems: 'start' }}>
                <PaymentStatusBadge status={p.displayStatus} />
                {p.failureText && <span className="cell-stack__sub">{p.failureText}</span>}
              </span>
            </td>
            <td className="is-numeric" data-label="Amount">
              <span className="cell-stack">
                <span>{formatMoney(p.amount, p.currency)}</span>
                {p.amountRefunded > 0 && <span className="cell-stack__sub">{formatMoney(p.amountRefunded, p.currency)} refunded</span>}
              </span>
            </td>
            <td data-label="Method">
              <span className="nowrap">{p.methodLabel ?? METHOD_WORDS[p.methodType ?? ''] ?? p.methodType ?? '—'}</span>
            </td>
            <td className="col-optional" data-label="Source">
              {sourceWords(p.source)}
            </td>
            <td data-label="Invoices">
              {p.invoices.length === 0 ? (
                <span className="muted">—</span>
              ) : (
                <span className="cell-stack" style={{ justifyItems: 'start' }}>
                  {p.invoices.map((i) => (
                    <Link key={i.id} to={`/invoices/${encodeURIComponent(i.id)}`}>
                      {i.number}
                    </Link>
                  ))}
                </span>
              )}
            </td>
            {action && <td data-label="">{action(p)}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
