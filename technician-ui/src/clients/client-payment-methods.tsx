import type { PaymentMethodView } from '../../../server/portal-payment-methods/payment-method-view';
import { Badge } from '../../../ui-kit/components/badge';
import { EmptyState } from '../../../ui-kit/components/empty-state';
import { ErrorState } from '../../../ui-kit/components/error-state';
import { Loading } from '../../../ui-kit/components/loading';
import { TableRegion } from '../../../ui-kit/components/table-region';
import { formatDate, formatTimestamp } from '../../../ui-kit/dates';
import { useResource } from '../../../ui-kit/use-resource';
import { api } from '../api';
import { useLiveVersion } from '../live/live-context';

function StatusBadge({ method }: { method: PaymentMethodView }) {
  switch (method.status) {
    case 'active':
      return <Badge tone="success">{method.type === 'us_bank_account' ? 'Verified' : 'Active'}</Badge>;
    case 'pending_verification':
      return <Badge tone="warning">Awaiting verification</Badge>;
    case 'verification_failed':
      return <Badge tone="danger">Verification failed</Badge>;
    case 'expired':
      return <Badge tone="neutral">Expired</Badge>;
    default: {
      const never: never = method.status;
      return <Badge tone="neutral">{String(never)}</Badge>;
    }
  }
}

/** The client's saved cards and bank accounts, with verification progress, default and autopay. */
export function ClientPaymentMethods({ clientId }: { clientId: string }) {
  const live = useLiveVersion(`client:${clientId}`);
  const { data, error, reload } = useResource(`client-methods:${clientId}#${live}`, (signal) =>
    api.get<{ methods: PaymentMethodView[] }>(`/clients/${encodeURIComponent(clientId)}/payment-methods`, { signal }),
  );
  if (error) return <div className="card"><ErrorState error={error} title="We couldn’t load the payment methods" onRetry={reload} /></div>;
  if (!data) return <div className="card"><Loading label="Loading payment methods…" /></div>;
  if (data.methods.length === 0) {
    return (
      <div className="card">
        <EmptyState title="No saved payment methods">Send the client a setup link: they add a card or bank account themselves, on a secure page.</EmptyState>
      </div>
    );
  }
  return (
    <TableRegion label="Payment methods">
      <table className="table table--stack">
        <thead>
          <tr>
            <th scope="col">Method</th>
            <th scope="col">Status</th>
            <th scope="col">Verification</th>
            <th scope="col">Added</th>
          </tr>
        </thead>
        <tbody>
          {data.methods.map((m) => (
            <tr key={m.id}>
              <td className="is-primary">
                <span className="cell-stack" style={{ justifyItems: 'start' }}>
                  <span>{m.label}</span>
                  <span className="flag-list">
                    {m.isDefault && <Badge tone="accent">Default</Badge>}
                    {m.isAutopay && <Badge tone="info">Autopay</Badge>}
                  </span>
                </span>
              </td>
              <td className="is-badge" data-label="Status">
                <span className="cell-stack" style={{ justifyItems: 'start' }}>
                  <StatusBadge method={m} />
                  <span className="cell-stack__sub">{m.statusText}</span>
                </span>
              </td>
              <td data-label="Verification">
                {m.verification ? (
                  <span className="cell-stack" style={{ justifyItems: 'start' }}>
                    {m.verification.arrivalDate && <span>Deposits arrive {formatDate(m.verification.arrivalDate)}</span>}
                    {m.verification.attemptsLeft !== null && <span className="cell-stack__sub">{m.verification.attemptsLeft} attempts left</span>}
                    {m.verification.expiresAt && <span className="cell-stack__sub">Verify by {formatTimestamp(m.verification.expiresAt)}</span>}
                  </span>
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
              <td data-label="Added">{formatTimestamp(m.addedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableRegion>
  );
}
