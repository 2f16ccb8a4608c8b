import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { EmptyState } from '../../../ui-kit/components/empty-state';
import { describeError, ErrorState } from '../../../ui-kit/components/error-state';
import { Loading } from '../../../ui-kit/components/loading';
import { PageHeader } from '../../../ui-kit/components/page-header';
import { Pagination } from '../../../ui-kit/components/pagination';
import { TableRegion } from '../../../ui-kit/components/table-region';
import { useSession } from '../auth/session';
import { CustomerPicker } from './customer-picker';
import { ImportCard } from './import-card';
import { MappingTable, type RowAction } from './mapping-table';
import './mapping.css';
import type { AcceptSuggestionsResult, MappingClientView, MappingFilter } from './types';
import { acceptAbove, acceptClients, createCustomer, isRunActive, setStatus, useImportProgress, useMappingClients } from './use-mapping';

const FILTERS: Array<{ value: MappingFilter; label: string }> = [
  { value: 'unmapped', label: 'Unmapped' },
  { value: 'mapped', label: 'Mapped' },
  { value: 'ignored', label: 'Ignored' },
  { value: 'all', label: 'All' },
];
const BULK_THRESHOLD = 0.9;

function filterFrom(value: string | null): MappingFilter {
  return FILTERS.some((f) => f.value === value) ? (value as MappingFilter) : 'unmapped';
}

function summarize(result: AcceptSuggestionsResult): string {
  const taken = result.skipped.filter((s) => s.reason === 'customer_taken').length;
  return `${result.accepted.length} ${result.accepted.length === 1 ? 'client' : 'clients'} mapped${taken ? `; ${taken} skipped because their customer was taken by a stronger match` : ''}.`;
}

/** Map PSA clients to Stripe customers: import, review suggestions, accept in bulk, override. Admins only. */
export function MappingPage() {
  const session = useSession();
  if (session.user.role !== 'admin') {
    return (
      <>
        <title>Client mapping · Settle</title>
        <PageHeader title="Client mapping" />
        <div className="card">
          <EmptyState title="Only admins can map clients">Ask an admin of your Settle installation to map clients to Stripe customers.</EmptyState>
        </div>
      </>
    );
  }
  return <Mapping />;
}

function Mapping() {
  const [params, setParams] = useSearchParams();
  const status = filterFrom(params.get('status'));
  const page = Math.max(1, Number(params.get('page')) || 1);
  const clients = useMappingClients(status, '', page);
  const progress = useImportProgress();
  const run = progress.data?.run ?? null;
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [busyId, setBusyId] = useState<string | null>(null);
  const [bulkBusy, setBulkBusy] = useState(false);
  const [message, setMessage] = useState<{ tone: 'success' | 'error'; text: string } | null>(null);
  const [picking, setPicking] = useState<MappingClientView | null>(null);
  const reloadClients = clients.reload;

  // When an import finishes, show its suggestions.
  const runDone = run?.status === 'done' ? run.id : null;
  useEffect(() => {
    if (runDone) reloadClients();
  }, [runDone, reloadClients]);

  function go(next: { status?: MappingFilter; page?: number }) {
    setParams((current) => {
      const u = new URLSearchParams(current);
      if (next.status) u.set('status', next.status);
      if (next.page && next.page > 1) u.set('page', String(next.page));
      else u.delete('page');
      return u;
    });
    setSelected(new Set());
  }

  async function bulk(run: () => Promise<AcceptSuggestionsResult>) {
    setBulkBusy(true);
    setMessage(null);
    try {
      const result = await run();
      setMessage({ tone: 'success', text: summarize(result) });
      setSelected(new Set());
      reloadClients();
    } catch (cause) {
      setMessage({ tone: 'error', text: describeError(cause) });
    } finally {
      setBulkBusy(false);
    }
  }

  async function onAction(client: MappingClientView, action: RowAction) {
    if (action === 'choose') {
      setPicking(client);
      return;
    }
    setBusyId(client.id);
    setMessage(null);
    try {
      switch (action) {
        case 'accept': {
          const result = await acceptClients([client.id]);
          setMessage(result.accepted.length ? { tone: 'success', text: `${client.name} mapped.` } : { tone: 'error', text: `${client.name} was not mapped: its suggested customer is no longer available.` });
          break;
        }
        case 'create': {
          const result = await createCustomer(client.id);
          setMessage({ tone: 'success', text: result.reused ? `${client.name} mapped to the Stripe customer Settle had already created.` : `Created a Stripe customer for ${client.name}.` });
          break;
        }
        case 'ignore':
        case 'unignore':
        case 'unmap': {
          await setStatus(client.id, action);
          const verb = action === 'ignore' ? 'is ignored' : action === 'unignore' ? 'is no longer ignored' : 'is unmapped';
          setMessage({ tone: 'success', text: `${client.name} ${verb}.` });
          break;
        }
        default: {
          const never: never = action;
          throw new Error(String(never));
        }
      }
      reloadClients();
    } catch (cause) {
      setMessage({ tone: 'error', text: describeError(cause) });
    } finally {
      setBusyId(null);
    }
  }

  const data = clients.data;
  const confident = data?.clients.filter((c) => c.mappingStatus === 'unmapped' && c.suggestion && c.suggestion.confidence >= BULK_THRESHOLD).length ?? 0;

  let body;
  if (clients.error && !data) body = <ErrorState error={clients.error} title="We couldn’t load your clients" onRetry={reloadClients} />;
  else if (!data) body = <Loading label="Loading clients…" />;
  else if (data.clients.length === 0)
    body = <EmptyState title={status === 'unmapped' ? 'Every client is mapped or ignored' : 'No clients here'}>Clients appear here as soon as your PSA sends them to Settle.</EmptyState>;
  else
    body = (
      <>
        <TableRegion label="Client mapping" busy={clients.loading}>
          <MappingTable
            clients={data.clients}
            selected={selected}
            busyId={busyId}
            onToggle={(id) => setSelected((s) => {
              const next = new Set(s);
              if (next.has(id)) next.delete(id);
              else next.add(id);
              return next;
            })}
            onAction={onAction}
          />
        </TableRegion>
        <Pagination page={data.page} pageSize={data.pageSize} total={data.total} onPageChange={(p) => go({ page: p })} itemLabel="clients" />
      </>
    );

  return (
    <>
      <title>Client mapping · Settle</title>
      <PageHeader title="Client mapping" description="Link each PSA client to a Stripe customer, create one, or ignore the client (no online payments)." />
      <div className="stack">
        <ImportCard run={run} onChanged={progress.reload} />
        <div className="toolbar">
          <nav className="tabs" aria-label="Filter by mapping status">
            <ul className="tabs__list">
              {FILTERS.map((f) => (
                <li key={f.value}>
                  <a
                    className="tabs__link"
                    href={`?status=${f.value}`}
                    aria-current={status === f.value ? 'page' : undefined}
                    onClick={(e) => {
                      e.preventDefault();
                      go({ status: f.value });
                    }}
                  >
                    {f.label}
                    {data && f.value !== 'all' && <span className="tabs__count">{data.counts[f.value].toLocaleString()}</span>}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          <div className="mapping-bulk">
            <button type="button" className="btn btn--secondary" disabled={bulkBusy || selected.size === 0} onClick={() => bulk(() => acceptClients([...selected]))}>
              Accept selected ({selected.size})
            </button>
            <button type="button" className="btn btn--primary" disabled={bulkBusy || isRunActive(run) || (status === 'unmapped' && confident === 0)} onClick={() => bulk(() => acceptAbove(BULK_THRESHOLD))}>
              Accept all ≥ {Math.round(BULK_THRESHOLD * 100)}%
            </button>
          </div>
        </div>
        {message && (
          <p className={`alert alert--${message.tone}`} role={message.tone === 'error' ? 'alert' : 'status'}>
            {message.text}
          </p>
        )}
        <section className="card" aria-label="Clients">
          {body}
        </section>
      </div>
      <CustomerPicker
        client={picking}
        onClose={() => setPicking(null)}
        onMapped={(text) => {
          setMessage({ tone: 'success', text });
          reloadClients();
        }}
      />
    </>
  );
}
