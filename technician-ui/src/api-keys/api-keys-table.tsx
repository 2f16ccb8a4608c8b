import { Badge } from '../../../ui-kit/components/badge';
import { formatTimestamp } from '../../../ui-kit/dates';
import type { ApiKey } from './types';

/** Keys read `stk_<prefix>_<secret>`; show the start the way it appears in the PSA's settings. */
function displayPrefix(prefix: string): string {
  return `${prefix.startsWith('stk_') ? prefix : `stk_${prefix}`}…`;
}

interface ApiKeysTableProps {
  apiKeys: ApiKey[];
  onRevoke: (apiKey: ApiKey) => void;
}

export function ApiKeysTable({ apiKeys, onRevoke }: ApiKeysTableProps) {
  return (
    <table className="table table--stack">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Key</th>
          <th scope="col">Created</th>
          <th scope="col">Last used</th>
          <th scope="col">Status</th>
          <th scope="col">
            <span className="sr-only">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {apiKeys.map((key) => (
          <tr key={key.id} className={key.revokedAt ? 'is-muted' : undefined}>
            <td className="is-primary">
              <div className="cell-primary">
                <span className="cell-primary__title">{key.name}</span>
                {key.createdBy && <span className="cell-primary__sub">Created by {key.createdBy}</span>}
              </div>
            </td>
            <td data-label="Key">
              <code>{displayPrefix(key.prefix)}</code>
            </td>
            <td data-label="Created" className="num">
              {formatTimestamp(key.createdAt)}
            </td>
            <td data-label="Last used" className="num">
              {key.lastUsedAt ? formatTimestamp(key.lastUsedAt) : <span className="subtle">Never</span>}
            </td>
            <td className="is-badge" data-label="Status">
              {key.revokedAt ? (
                <Badge tone="neutral" title={`Revoked ${formatTimestamp(key.revokedAt)}`}>
                  Revoked
                </Badge>
              ) : (
                <Badge tone="success">Active</Badge>
              )}
            </td>
            <td className="is-actions">
              {!key.revokedAt && (
                <button
                  type="button"
                  className="btn btn--danger-outline btn--sm"
                  onClick={() => onRevoke(key)}
                  aria-label={`Revoke ${key.name}`}
                >
                  Revoke
                </button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
