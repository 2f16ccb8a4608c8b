import { EmptyState } from '../../../ui-kit/components/empty-state';
import { ErrorState } from '../../../ui-kit/components/error-state';
import { Loading } from '../../../ui-kit/components/loading';
import { PageHeader } from '../../../ui-kit/components/page-header';
import { Pagination } from '../../../ui-kit/components/pagination';
import { TableRegion } from '../../../ui-kit/components/table-region';
import { useListParams } from '../lists/use-list-params';
import { SetupBanner } from '../setup/setup-banner';
import { CLIENT_LIST_KEYS, ClientsFilters, hasClientFilters } from './clients-filters';
import { ClientsTable } from './clients-table';
import { useClients } from './use-clients';
import '../lists/lists.css';

/** All clients of the installation: search, filters and sort in the URL, paginated on the server. */
export function ClientsPage() {
  const list = useListParams(CLIENT_LIST_KEYS);
  const clients = useClients(list.values, list.page);
  const filtered = hasClientFilters(list.values);

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
        {filtered ? (
          <EmptyState
            title={list.values.search ? `No clients match “${list.values.search}”` : 'No clients match these filters'}
            action={
              <button type="button" className="btn btn--secondary" onClick={() => list.clear(CLIENT_LIST_KEYS)}>
                Clear filters
              </button>
            }
          >
            Search looks at client names, email addresses, PSA references and Stripe customer ids.
          </EmptyState>
        ) : list.page > 1 ? (
          <EmptyState
            title="This page is empty"
            action={
              <button type="button" className="btn btn--secondary" onClick={() => list.setPage(1)}>
                Go to the first page
              </button>
            }
          />
        ) : (
          <EmptyState title="No clients yet">Clients appear here as soon as your PSA sends them to Settle.</EmptyState>
        )}
      </div>
    );
  } else {
    body = (
      <>
        <TableRegion label="Clients" busy={clients.loading}>
          <ClientsTable clients={data.clients} />
        </TableRegion>
        <Pagination page={data.page} pageSize={data.pageSize} total={data.total} onPageChange={list.setPage} itemLabel="clients" />
      </>
    );
  }

  return (
    <>
      <title>Clients · Settle</title>
      <PageHeader title="Clients" description="Payment status for every client your PSA bills." />
      <SetupBanner />
      <ClientsFilters list={list} />
      <p className="sr-only" aria-live="polite">
        {data && !clients.loading && filtered ? `${data.total} ${data.total === 1 ? 'client matches' : 'clients match'}` : ''}
      </p>
      {body}
    </>
  );
}
