import { Badge } from '../../../ui-kit/components/badge';
import { formatTimestamp } from '../../../ui-kit/dates';
import { LastError } from './last-error';
import type { OutboxDeliveryView } from './types';

interface OutboxDeliveriesTableProps {
  deliveries: OutboxDeliveryView[];
  /** The delivery being retried right now, if any. */
  retrying: string | null;
  onRetry: (delivery: OutboxDeliveryView) => void;
}

function failureText(delivery: OutboxDeliveryView): string | null {
  if (delivery.lastResponseStatus === null) return delivery.lastError;
  const status = `Your PSA answered HTTP ${delivery.lastResponseStatus}`;
  return delivery.lastError ? `${status}: ${delivery.lastError}` : status;
}

/** Write-backs to the PSA that failed: dead (Settle gave up) and failing (waiting for the next try). */
export function OutboxDeliveriesTable({ deliveries, retrying, onRetry }: OutboxDeliveriesTableProps) {
  return (
    <table className="table table--stack">
      <thead>
        <tr>
          <th scope="col">Delivery</th>
          <th scope="col">Status</th>
          <th scope="col" className="is-numeric">
            Attempts
          </th>
          <th scope="col">Last error</th>
          <th scope="col">Last attempt</th>
          <th scope="col">Next attempt</th>
          <th scope="col">
            <span className="sr-only">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {deliveries.map((delivery) => (
          <tr key={delivery.id}>
            <td className="is-primary">
              <div className="cell-primary">
                <span className="cell-primary__title">Payment write-back</span>
                <span className="cell-primary__sub">Queued {formatTimestamp(delivery.createdAt)}</span>
              </div>
            </td>
            <td className="is-badge" data-label="Status">
              {delivery.status === 'dead' ? (
                <Badge tone="danger" title="Settle stopped retrying this delivery. Retry it once your PSA accepts webhooks again.">
                  Dead
                </Badge>
              ) : (
                <Badge tone="warning">Retrying</Badge>
              )}
            </td>
            <td data-label="Attempts" className="is-numeric">
              {delivery.attempts}
            </td>
            <td data-label="Last error" className="integrations-error-cell">
              <LastError text={failureText(delivery)} />
            </td>
            <td data-label="Last attempt" className="num integrations-nowrap">
              {delivery.lastAttemptAt ? formatTimestamp(delivery.lastAttemptAt) : <span className="subtle">Never</span>}
            </td>
            <td data-label="Next attempt" className="num integrations-nowrap">
              {delivery.nextAttemptAt ? formatTimestamp(delivery.nextAttemptAt) : <span className="subtle">None (gave up)</span>}
            </td>
            <td className="is-actions">
              <button
                type="button"
                className="btn btn--secondary btn--sm"
                onClick={() => onRetry(delivery)}
                aria-disabled={retrying !== null}
                aria-label={`Retry payment write-back queued ${formatTimestamp(delivery.createdAt)}`}
              >
                {retrying === delivery.id ? 'Retrying…' : 'Retry'}
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
