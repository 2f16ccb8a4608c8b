import { Badge } from '../../../ui-kit/components/badge';
import { formatTimestamp } from '../../../ui-kit/dates';
import { LastError } from './last-error';
import type { WebhookEventView } from './types';

interface WebhookEventsTableProps {
  events: WebhookEventView[];
  /** The event being retried right now, if any. */
  retrying: string | null;
  onRetry: (event: WebhookEventView) => void;
}

/** Stripe events Settle couldn't process: dead letters (need a person) and failed ones (retrying). */
export function WebhookEventsTable({ events, retrying, onRetry }: WebhookEventsTableProps) {
  return (
    <table className="table table--stack">
      <thead>
        <tr>
          <th scope="col">Event</th>
          <th scope="col">Status</th>
          <th scope="col" className="is-numeric">
            Attempts
          </th>
          <th scope="col">Last error</th>
          <th scope="col">Received</th>
          <th scope="col">
            <span className="sr-only">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {events.map((event) => (
          <tr key={event.id}>
            <td className="is-primary">
              <div className="cell-primary">
                <span className="cell-primary__title mono">{event.type}</span>
                <span className="cell-primary__sub mono" title={event.objectId ? `About ${event.objectId}` : undefined}>
                  {event.stripeEventId}
                </span>
              </div>
            </td>
            <td className="is-badge" data-label="Status">
              {event.status === 'dead' ? (
                <Badge tone="danger" title="Settle stopped retrying this event. Retry it once the cause is fixed.">
                  Dead letter
                </Badge>
              ) : (
                <Badge
                  tone="warning"
                  title={event.nextAttemptAt ? `Settle tries again ${formatTimestamp(event.nextAttemptAt)}` : 'Settle tries again shortly'}
                >
                  Retrying
                </Badge>
              )}
            </td>
            <td data-label="Attempts" className="is-numeric">
              {event.attempts}
            </td>
            <td data-label="Last error" className="integrations-error-cell">
              <LastError text={event.lastError} />
            </td>
            <td data-label="Received" className="num integrations-nowrap">
              {formatTimestamp(event.receivedAt)}
            </td>
            <td className="is-actions">
              <button
                type="button"
                className="btn btn--secondary btn--sm"
                onClick={() => onRetry(event)}
                aria-disabled={retrying !== null}
                aria-label={`Retry ${event.type} event ${event.stripeEventId}`}
              >
                {retrying === event.id ? 'Retrying…' : 'Retry'}
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
