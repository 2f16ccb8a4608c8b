import { Link } from 'react-router-dom';
import type { AuditEntryView } from '../../../server/audit/list-audit-entries';
import { formatTimestamp } from '../../../ui-kit/dates';
import { actionLabel, actorTypeLabel } from './action-labels';

/** A short, readable line of an entry's details (the whole JSON is one click away). */
function detailsSummary(details: Record<string, unknown>): string {
  return Object.entries(details)
    .filter(([, v]) => v !== null && v !== undefined && typeof v !== 'object')
    .slice(0, 4)
    .map(([k, v]) => `${k.replace(/([A-Z])/g, ' $1').toLowerCase()}: ${String(v)}`)
    .join(' · ');
}

export function AuditTable({ entries, showClient = true }: { entries: AuditEntryView[]; showClient?: boolean }) {
  return (
    <table className="table table--stack">
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">What</th>
          <th scope="col">Who</th>
          {showClient && <th scope="col">Client</th>}
          <th scope="col">Details</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((e) => {
          const summary = detailsSummary(e.details);
          return (
            <tr key={e.id}>
              <td className="is-primary">
                <span className="nowrap">{formatTimestamp(e.at)}</span>
              </td>
              <td data-label="What">
                <span className="cell-stack" style={{ justifyItems: 'start' }}>
                  <span>{actionLabel(e.action)}</span>
                  <span className="cell-stack__sub mono">{e.action}</span>
                </span>
              </td>
              <td data-label="Who">
                <span className="cell-stack" style={{ justifyItems: 'start' }}>
                  <span>{e.actor.label ?? actorTypeLabel(e.actor.type)}</span>
                  <span className="cell-stack__sub">{actorTypeLabel(e.actor.type)}</span>
                </span>
              </td>
              {showClient && <td data-label="Client">{e.client ? <Link to={`/clients/${encodeURIComponent(e.client.id)}`}>{e.client.name}</Link> : <span className="muted">—</span>}</td>}
              <td data-label="Details">
                {Object.keys(e.details).length === 0 ? (
                  <span className="muted">—</span>
                ) : (
                  <details className="audit-details">
                    <summary>{summary || 'Show details'}</summary>
                    <pre>{JSON.stringify(e.details, null, 2)}</pre>
                  </details>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
