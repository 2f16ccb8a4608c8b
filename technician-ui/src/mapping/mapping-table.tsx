import { Badge } from '../../../ui-kit/components/badge';
import { MappingStatusBadge } from '../clients/client-badges';
import type { MappingClientView } from './types';

export type RowAction = 'accept' | 'choose' | 'create' | 'ignore' | 'unignore' | 'unmap';

function Confidence({ value }: { value: number }) {
  const pct = Math.round(value * 100);
  const tone = value >= 0.9 ? 'success' : value >= 0.6 ? 'warning' : 'neutral';
  return (
    <Badge tone={tone} title="How sure Settle is about this match">
      <span className="mapping-confidence">{pct}%</span>
    </Badge>
  );
}

function StripeLink({ client }: { client: MappingClientView }) {
  if (!client.stripeCustomerId || !client.stripeDashboardUrl) return null;
  return (
    <span className="mapping-suggestion">
      <a href={client.stripeDashboardUrl} target="_blank" rel="noreferrer noopener" className="mono">
        {client.stripeCustomerId}
        <span className="sr-only"> (opens the Stripe dashboard)</span>
      </a>
      {client.stripeCustomer && <span className="mapping-reason">{client.stripeCustomer.name ?? client.stripeCustomer.email}</span>}
    </span>
  );
}

interface MappingTableProps {
  clients: MappingClientView[];
  selected: ReadonlySet<string>;
  busyId: string | null;
  onToggle: (clientId: string) => void;
  onAction: (client: MappingClientView, action: RowAction) => void;
}

/** Clients with their mapping, the best suggestion (confidence and reason) and per-row actions. */
export function MappingTable({ clients, selected, busyId, onToggle, onAction }: MappingTableProps) {
  return (
    <table className="table table--stack">
      <thead>
        <tr>
          <th scope="col">
            <span className="sr-only">Select</span>
          </th>
          <th scope="col">Client</th>
          <th scope="col">Status</th>
          <th scope="col">Stripe customer / suggestion</th>
          <th scope="col">Confidence</th>
          <th scope="col">
            <span className="sr-only">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {clients.map((client) => {
          const s = client.suggestion;
          const busy = busyId === client.id;
          return (
            <tr key={client.id}>
              <td data-label="Select">
                {s && client.mappingStatus === 'unmapped' && (
                  <input type="checkbox" aria-label={`Select ${client.name}`} checked={selected.has(client.id)} onChange={() => onToggle(client.id)} />
                )}
              </td>
              <td className="is-primary">
                <div className="cell-primary">
                  <span className="cell-primary__title">{client.name}</span>
                  <span className="cell-primary__sub">{client.email ?? client.psaRef}</span>
                </div>
              </td>
              <td className="is-badge" data-label="Status">
                <MappingStatusBadge status={client.mappingStatus} />
              </td>
              <td data-label="Stripe customer">
                {client.mappingStatus === 'mapped' ? (
                  <StripeLink client={client} />
                ) : s ? (
                  <span className="mapping-suggestion">
                    <span>
                      {s.name ?? '(no name)'} <span className="mono subtle">{s.customerId}</span>
                    </span>
                    <span className="mapping-reason">{s.reason}</span>
                  </span>
                ) : client.mappingStatus === 'ignored' ? (
                  <span className="subtle">No online payments</span>
                ) : (
                  <span className="subtle">No suggestion</span>
                )}
              </td>
              <td data-label="Confidence">{client.mappingStatus === 'unmapped' && s ? <Confidence value={s.confidence} /> : null}</td>
              <td>
                <div className="mapping-actions">
                  {client.mappingStatus === 'unmapped' && (
                    <>
                      {s && (
                        <button type="button" className="btn btn--primary btn--sm" disabled={busy} onClick={() => onAction(client, 'accept')}>
                          Accept
                        </button>
                      )}
                      <button type="button" className="btn btn--secondary btn--sm" disabled={busy} onClick={() => onAction(client, 'choose')}>
                        Choose…
                      </button>
                      <button type="button" className="btn btn--secondary btn--sm" disabled={busy} onClick={() => onAction(client, 'create')}>
                        Create new
                      </button>
                      <button type="button" className="btn btn--ghost btn--sm" disabled={busy} onClick={() => onAction(client, 'ignore')}>
                        Ignore
                      </button>
                    </>
                  )}
                  {client.mappingStatus === 'mapped' && (
                    <>
                      <button type="button" className="btn btn--secondary btn--sm" disabled={busy} onClick={() => onAction(client, 'choose')}>
                        Change…
                      </button>
                      <button type="button" className="btn btn--ghost btn--sm" disabled={busy} onClick={() => onAction(client, 'unmap')}>
                        Unmap
                      </button>
                    </>
                  )}
                  {client.mappingStatus === 'ignored' && (
                    <button type="button" className="btn btn--secondary btn--sm" disabled={busy} onClick={() => onAction(client, 'unignore')}>
                      Stop ignoring
                    </button>
                  )}
                </div>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
