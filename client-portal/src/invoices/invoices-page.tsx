import { Link, useSearchParams } from 'react-router-dom';
import { EmptyState } from '../../../ui-kit/components/empty-state';
import { ErrorState } from '../../../ui-kit/components/error-state';
import { InvoiceTable } from '../../../ui-kit/components/invoice-table';
import { Loading } from '../../../ui-kit/components/loading';
import { PageHeader } from '../../../ui-kit/components/page-header';
import { Pagination } from '../../../ui-kit/components/pagination';
import { TableRegion } from '../../../ui-kit/components/table-region';
import { useSession } from '../auth/session';
import { PaySelected, selectColumn, useInvoiceSelection } from '../pay/pay-selected';
import { FilterTabs } from './filter-tabs';
import { SummaryCards } from './summary-cards';
import type { InvoiceFilter } from './types';
import { INVOICE_FILTERS } from './types';
import { useInvoices } from './use-invoices';

function filterFrom(value: string | null): InvoiceFilter {
  return INVOICE_FILTERS.find((filter) => filter === value) ?? 'unpaid';
}

function pageFrom(value: string | null): number {
  const page = Number(value);
  return Number.isInteger(page) && page >= 1 ? page : 1;
}

function EmptyList({ filter }: { filter: InvoiceFilter }) {
  switch (filter) {
    case 'unpaid':
      return (
        <EmptyState
          title="You’re all caught up"
          action={
            <Link className="btn btn--secondary" to="/invoices?filter=all">
              See all invoices
            </Link>
          }
        >
          No invoices are waiting for payment.
        </EmptyState>
      );
    case 'overdue':
      return <EmptyState title="Nothing overdue">Every unpaid invoice is still within its due date.</EmptyState>;
    case 'all':
      return <EmptyState title="No invoices yet">Invoices appear here as soon as they are issued.</EmptyState>;
    default: {
      const unknown: never = filter;
      return unknown;
    }
  }
}

/** The client's invoices: what is due, what is overdue, and every invoice's status. */
export function InvoicesPage() {
  const session = useSession();
  const [params, setParams] = useSearchParams();
  const filter = filterFrom(params.get('filter'));
  const page = pageFrom(params.get('page'));
  const invoices = useInvoices(filter, page);
  const data = invoices.data;
  const selection = useInvoiceSelection();

  function goToPage(next: number) {
    setParams((current) => {
      const updated = new URLSearchParams(current);
      if (next > 1) updated.set('page', String(next));
      else updated.delete('page');
      return updated;
    });
    window.scrollTo({ top: 0 });
  }

  let list;
  if (invoices.error) {
    list = (
      <div className="card">
        <ErrorState error={invoices.error} title="We couldn’t load your invoices" onRetry={invoices.reload} />
      </div>
    );
  } else if (!data) {
    list = (
      <div className="card">
        <Loading label="Loading invoices…" />
      </div>
    );
  } else if (data.invoices.length === 0) {
    list = (
      <div className="card">
        {page > 1 ? (
          <EmptyState
            title="This page is empty"
            action={
              <button type="button" className="btn btn--secondary" onClick={() => goToPage(1)}>
                Go to the first page
              </button>
            }
          />
        ) : (
          <EmptyList filter={filter} />
        )}
      </div>
    );
  } else {
    list = (
      <>
        <TableRegion label="Invoices" busy={invoices.loading}>
          <InvoiceTable
            invoices={data.invoices}
            hrefFor={(invoice) => `/invoices/${encodeURIComponent(invoice.id)}`}
            extraColumn={selectColumn(selection)}
          />
        </TableRegion>
        <Pagination
          page={data.page}
          pageSize={data.pageSize}
          total={data.total}
          onPageChange={goToPage}
          itemLabel="invoices"
        />
      </>
    );
  }

  return (
    <>
      <title>{`Invoices · ${session.msp.name}`}</title>
      <PageHeader title="Invoices" description={`Invoices from ${session.msp.name} to ${session.client.name}.`} />
      {data && <SummaryCards summary={data.summary} />}
      <div className="toolbar">
        <FilterTabs current={filter} summary={data?.summary} />
      </div>
      <div className="invoice-list">{list}</div>
      <PaySelected selection={selection} pageInvoices={data?.invoices ?? []} onChanged={invoices.reload} />
    </>
  );
}
