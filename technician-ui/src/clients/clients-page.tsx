import { useEffect, useId, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { EmptyState } from '../../../ui-kit/components/empty-state';
import { ErrorState } from '../../../ui-kit/components/error-state';
import { Loading } from '../../../ui-kit/components/loading';
import { PageHeader } from '../../../ui-kit/components/page-header';
import { Pagination } from '../../../ui-kit/components/pagination';
import { TableRegion } from '../../../ui-kit/components/table-region';
import { SetupBanner } from '../setup/setup-banner';
import { ClientsTable } from './clients-table';
import { useClients } from './use-clients';

const SEARCH_DEBOUNCE_MS = 300;

function pageFrom(value: string | null): number {
  const page = Number(value);
  return Number.isInteger(page) && page >= 1 ? page : 1;
}

/** All clients of the installation: search (in the URL, debounced), paginated on the server. */
export function ClientsPage() {
  const searchId = useId();
  const [params, setParams] = useSearchParams();
  const search = params.get('q') ?? '';
  const page = pageFrom(params.get('page'));
  const [input, setInput] = useState(search);
  const [lastSearch, setLastSearch] = useState(search);
  const clients = useClients(search, page);

  // The URL changed without typing (back button, "Clear search"): show its search in the box.
  if (search !== lastSearch) {
    setLastSearch(search);
    if (input.trim() !== search) setInput(search);
  }

  useEffect(() => {
    if (input.trim() === search) return;
    const timer = setTimeout(() => {
      setParams(
        (current) => {
          const next = new URLSearchParams(current);
          if (input.trim()) next.set('q', input.trim());
          else next.delete('q');
          next.delete('page');
          return next;
        },
        { replace: true },
      );
    }, SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [input, search, setParams]);

  function goToPage(next: number) {
    setParams((current) => {
      const updated = new URLSearchParams(current);
      if (next > 1) updated.set('page', String(next));
      else updated.delete('page');
      return updated;
    });
    window.scrollTo({ top: 0 });
  }

  function clearSearch() {
    setInput('');
    setParams(new URLSearchParams(), { replace: true });
  }

  const data = clients.data;
  let body;
  if (clients.error) {
    body = (
      <div className="card">
        <ErrorState error={clients.error} title="We couldn’t load your clients" onRetry={clients.reload} />
      </div>
    );
  } else if (!data) {
    body = (
      <div className="card">
        <Loading label="Loading clients…" />
      </div>
    );
  } else if (data.clients.length === 0) {
    body = (
      <div className="card">
        {search ? (
          <EmptyState
            title={`No clients match “${search}”`}
            action={
              <button type="button" className="btn btn--secondary" onClick={clearSearch}>
                Clear search
              </button>
            }
          >
            Search looks at client names, email addresses and PSA references.
          </EmptyState>
        ) : page > 1 ? (
          <EmptyState
            title="This page is empty"
            action={
              <button type="button" className="btn btn--secondary" onClick={() => goToPage(1)}>
                Go to the first page
              </button>
            }
          />
        ) : (
          <EmptyState title="No clients yet">
            Clients appear here as soon as your PSA sends them to Settle.
          </EmptyState>
        )}
      </div>
    );
  } else {
    body = (
      <>
        <TableRegion label="Clients" busy={clients.loading}>
          <ClientsTable clients={data.clients} />
        </TableRegion>
        <Pagination
          page={data.page}
          pageSize={data.pageSize}
          total={data.total}
          onPageChange={goToPage}
          itemLabel="clients"
        />
      </>
    );
  }

  return (
    <>
      <title>Clients · Settle</title>
      <PageHeader title="Clients" description="Payment status for every client your PSA bills." />
      <SetupBanner />
      <div className="toolbar" role="search">
        <div className="search">
          <label className="sr-only" htmlFor={searchId}>
            Search clients
          </label>
          <svg className="search__icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
            <circle cx="7" cy="7" r="4.75" fill="none" stroke="currentColor" strokeWidth="1.5" />
            <path d="m10.5 10.5 3 3" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
          </svg>
          <input
            id={searchId}
            className="input"
            type="search"
            placeholder="Search by name, email or PSA ref"
            value={input}
            onChange={(event) => setInput(event.target.value)}
            autoComplete="off"
            spellCheck={false}
          />
        </div>
        <p className="sr-only" aria-live="polite">
          {data && !clients.loading && search
            ? `${data.total} ${data.total === 1 ? 'client matches' : 'clients match'} “${search}”`
            : ''}
        </p>
      </div>
      {body}
    </>
  );
}
