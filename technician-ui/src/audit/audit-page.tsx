import type { AuditEntryView } from '../../../server/audit/list-audit-entries';
import { EmptyState } from '../../../ui-kit/components/empty-state';
import { ErrorState } from '../../../ui-kit/components/error-state';
import { Loading } from '../../../ui-kit/components/loading';
import { PageHeader } from '../../../ui-kit/components/page-header';
import { Pagination } from '../../../ui-kit/components/pagination';
import { TableRegion } from '../../../ui-kit/components/table-region';
import type { Page } from '../../../ui-kit/types';
import { useResource } from '../../../ui-kit/use-resource';
import { api } from '../api';
import { DateFilter } from '../lists/date-filter';
import { FilterSelect } from '../lists/filter-select';
import { useListParams } from '../lists/use-list-params';
import { actionLabel, actorTypeLabel } from './action-labels';
import { AuditTable } from './audit-table';
import '../lists/lists.css';
import './audit.css';

const KEYS = ['actor', 'action', 'clientId', 'from', 'to'] as const;

/** Who did what, when: every staff, client, PSA and system action, filterable. */
export function AuditLogPage() {
  const list = useListParams(KEYS);
  const query = { ...list.values, page: list.page, pageSize: 50 };
  const entries = useResource(`audit?${JSON.stringify(query)}`, (signal) => api.get<Page & { entries: AuditEntryView[] }>('/audit', { query, signal }), { keepPreviousData: true });
  const options = useResource('audit-filters', (signal) => api.get<{ actions: string[]; actors: Array<{ id: string; type: string; label: string }> }>('/audit/filters', { signal }));
  const data = entries.data;
  const families = [...new Set((options.data?.actions ?? []).map((a) => a.split('.')[0]!))];
  const clientName = data?.entries.find((e) => e.client?.id === list.values.clientId)?.client?.name;

  return (
    <>
      <title>Audit log · Settle</title>
      <PageHeader title="Audit log" description="Every change to payments, methods, access and settings: who, what and when." />
      <div className="filters">
        <FilterSelect
          label="Action"
          allLabel="Any action"
          value={list.values.action ?? ''}
          options={[
            ...families.map((f) => ({ value: `${f}.*`, label: `All ${f.replace(/_/g, ' ')} actions` })),
            ...(options.data?.actions ?? []).map((a) => ({ value: a, label: actionLabel(a) })),
          ]}
          onChange={(action) => list.update({ action })}
        />
        <FilterSelect
          label="Who"
          allLabel="Anyone"
          value={list.values.actor ?? ''}
          options={[{ value: 'system', label: 'Settle (automatic)' }, ...(options.data?.actors ?? []).map((a) => ({ value: a.id, label: `${a.label} (${actorTypeLabel(a.type)})` }))]}
          onChange={(actor) => list.update({ actor })}
        />
        <DateFilter label="From" value={list.values.from ?? ''} onChange={(from) => list.update({ from })} />
        <DateFilter label="To" value={list.values.to ?? ''} onChange={(to) => list.update({ to })} />
        {list.values.clientId && (
          <span className="filter-chip">
            Client: {clientName ?? 'selected client'}
            <button type="button" aria-label="Show every client" onClick={() => list.update({ clientId: null })}>
              ×
            </button>
          </span>
        )}
        {Object.keys(list.values).length > 0 && (
          <div className="filters__actions">
            <button type="button" className="btn btn--ghost btn--sm" onClick={() => list.clear(KEYS)}>
              Clear filters
            </button>
          </div>
        )}
      </div>
      {entries.error ? (
        <div className="card">
          <ErrorState error={entries.error} title="We couldn’t load the audit log" onRetry={entries.reload} />
        </div>
      ) : !data ? (
        <div className="card">
          <Loading label="Loading the audit log…" />
        </div>
      ) : data.entries.length === 0 ? (
        <div className="card">
          <EmptyState title={Object.keys(list.values).length ? 'Nothing matches these filters' : 'Nothing recorded yet'} />
        </div>
      ) : (
        <>
          <TableRegion label="Audit log entries" busy={entries.loading}>
            <AuditTable entries={data.entries} />
          </TableRegion>
          <Pagination page={data.page} pageSize={data.pageSize} total={data.total} onPageChange={list.setPage} itemLabel="entries" itemLabelOne="entry" />
        </>
      )}
    </>
  );
}
