import { useState } from 'react';
import { Link } from 'react-router-dom';
import { EmptyState } from '../../../ui-kit/components/empty-state';
import { ErrorState } from '../../../ui-kit/components/error-state';
import { Loading } from '../../../ui-kit/components/loading';
import { PageHeader } from '../../../ui-kit/components/page-header';
import { TableRegion } from '../../../ui-kit/components/table-region';
import { formatMoney } from '../../../ui-kit/money';
import { DisputeResponseDialog } from './dispute-response-dialog';
import { DisputeStatusBadge, EvidenceDue } from './payment-status';
import type { DisputeView } from './types';
import { useDisputes } from './use-ledger';
import './ledger.css';

/** Whether the list offers "Respond" (the server decides; this only hides the button where it cannot apply). */
function answerable(d: DisputeView, now: number): boolean {
  return (d.status === 'needs_response' || d.status === 'warning_needs_response') && d.methodType !== 'us_bank_account' && (!d.evidenceDueBy || new Date(d.evidenceDueBy).getTime() > now);
}

const OUTCOME: Record<string, string> = { won: 'Stripe’s test mode decided at once: won.', lost: 'Stripe’s test mode decided at once: lost.' };

/** Disputes across clients: open ones by evidence due date first; card disputes answered from here. */
export function DisputesPage() {
  const [status, setStatus] = useState<'open' | 'all'>('open');
  const { data, error, reload } = useDisputes(status);
  const [responding, setResponding] = useState<DisputeView | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [now] = useState(() => Date.now());
  return (
    <>
      <title>Disputes · Settle</title>
      <PageHeader title="Disputes" description="Card disputes need evidence before the due date: respond here, or in the Stripe Dashboard. Bank (ACH) disputes are final. A lost dispute reopens the invoice." />
      <p className={notice ? 'alert alert--success ledger-notice' : 'sr-only'} role="status">
        {notice ?? ''}
      </p>
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
            <thead><tr><th scope="col">Client</th><th scope="col" className="is-numeric">Amount</th><th scope="col">Reason</th><th scope="col">Status</th><th scope="col">Evidence due</th><th scope="col"><span className="sr-only">Actions</span></th></tr></thead>
            <tbody>
              {data.disputes.map((d) => (
                <tr key={d.id}>
                  <td className="is-strong">{d.clientName ?? 'Unknown payer'}</td>
                  <td className="is-numeric">{formatMoney(d.amount, d.currency)}</td>
                  <td>{d.reason?.replaceAll('_', ' ') ?? '—'}</td>
                  <td><DisputeStatusBadge dispute={d} /></td>
                  <td><EvidenceDue dispute={d} /></td>
                  <td>
                    <span className="ledger-row-actions">
                      {answerable(d, now) && (
                        <button type="button" className="btn btn--primary btn--sm" aria-label={`Respond to the dispute of ${formatMoney(d.amount, d.currency)} from ${d.clientName ?? 'an unknown payer'}`} onClick={() => {
                            setNotice(null);
                            setResponding(d);
                          }}>
                          Respond
                        </button>
                      )}
                      <Link to={`/payments/${d.paymentId}`}>Payment</Link>
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      )}
      {responding && (
        <DisputeResponseDialog
          dispute={responding}
          onClose={() => setResponding(null)}
          onSubmitted={(after) => {
            setResponding(null);
            setNotice(
              `Evidence submitted for the ${formatMoney(after.dispute.amount, after.dispute.currency)} dispute from ${after.dispute.clientName ?? 'an unknown payer'}. ${OUTCOME[after.dispute.status] ?? 'The bank usually decides within 2–3 months; Settle updates the dispute when it does.'}`,
            );
            reload();
          }}
        />
      )}
    </>
  );
}
