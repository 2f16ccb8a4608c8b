import { useState } from 'react';
import { Link } from 'react-router-dom';
import { EmptyState } from '../../../ui-kit/components/empty-state';
import { ErrorState } from '../../../ui-kit/components/error-state';
import { Loading } from '../../../ui-kit/components/loading';
import { PageHeader } from '../../../ui-kit/components/page-header';
import { TableRegion } from '../../../ui-kit/components/table-region';
import { formatMoney } from '../../../ui-kit/money';
import { DisputeStatusBadge, EvidenceDue } from './payment-status';
import { useDisputes } from './use-ledger';
import './ledger.css';

/** Disputes across clients: open ones by evidence due date first. */
export function DisputesPage() {
  const [status, setStatus] = useState<'open' | 'all'>('open');
  const { data, error, reload } = useDisputes(status);
  return (
    <>
      <title>Disputes · Settle</title>
      <PageHeader title="Disputes" description="Card disputes need evidence, submitted in the Stripe Dashboard, before the due date. Bank (ACH) disputes are final. A lost dispute reopens the invoice." />
      <div className="ledger-tabs" role="group" aria-label="Show">
        <button type="button" className={`btn btn--sm ${status === 'open' ? 'btn--primary' : 'btn--secondary'}`} aria-pressed={status === 'open'} onClick={() => setStatus('open')}>Open</button>
        <button type="button" className={`btn btn--sm ${status === 'all' ? 'btn--primary' : 'btn--secondary'}`} aria-pressed={status === 'all'} onClick={() => setStatus('all')}>All</button>
      </div>
      {error ? (
        <div className="card"><ErrorState error={error} title="We couldn’t load disputes" onRetry={reload} /></div>
      ) : !data ? (
        <Loading label="Loading disputes…" />
      ) : data.disputes.length === 0 ? (
        <div className="card"><EmptyState title={status === 'open' ? 'No open disputes' : 'No disputes'}>When a client’s bank disputes a payment, it shows here with its evidence due date.</EmptyState></div>
      ) : (
        <TableRegion label="Disputes">
          <table className="table">
            <thead><tr><th scope="col">Client</th><th scope="col" className="is-numeric">Amount</th><th scope="col">Reason</th><th scope="col">Status</th><th scope="col">Evidence due</th><th scope="col"><span className="sr-only">Payment</span></th></tr></thead>
            <tbody>
              {data.disputes.map((d) => (
                <tr key={d.id}>
                  <td className="is-strong">{d.clientName ?? 'Unknown payer'}</td>
                  <td className="is-numeric">{formatMoney(d.amount, d.currency)}</td>
                  <td>{d.reason?.replaceAll('_', ' ') ?? '—'}</td>
                  <td><DisputeStatusBadge dispute={d} /></td>
                  <td><EvidenceDue dispute={d} /></td>
                  <td><Link to={`/payments/${d.paymentId}`}>Payment</Link></td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      )}
    </>
  );
}
