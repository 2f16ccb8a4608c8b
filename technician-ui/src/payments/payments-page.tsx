import { EmptyState } from '../../../ui-kit/components/empty-state';
import { ErrorState } from '../../../ui-kit/components/error-state';
import { Loading } from '../../../ui-kit/components/loading';
import { PageHeader } from '../../../ui-kit/components/page-header';
import { Pagination } from '../../../ui-kit/components/pagination';
import { TableRegion } from '../../../ui-kit/components/table-region';
import { DateFilter } from '../lists/date-filter';
import { FilterSelect } from '../lists/filter-select';
import { useListParams, type ListParams } from '../lists/use-list-params';
import { PaymentsTable } from './payments-table';
import { csvExportHref, usePayments } from './use-payments';
import '../lists/lists.css';

const KEYS = ['status', 'method', 'source', 'from', 'to'] as const;

function PaymentFilters({ list }: { list: ListParams }) {
  const { values, update, clear } = list;
  return (
    <div className="filters">
      <FilterSelect
        label="Status"
        allLabel="Any status"
        value={values.status ?? ''}
        options={[
          { value: 'succeeded', label: 'Succeeded' },
          { value: 'processing', label: 'Processing' },
          { value: 'requires_action', label: 'Needs authentication' },
          { value: 'failed', label: 'Failed' },
          { value: 'canceled', label: 'Canceled' },
          { value: 'refunded', label: 'Refunded (any part)' },
          { value: 'disputed', label: 'Disputed' },
        ]}
        onChange={(status) => update({ status })}
      />
      <FilterSelect
        label="Method"
        allLabel="Any method"
        value={values.method ?? ''}
        options={[
          { value: 'card', label: 'Card' },
          { value: 'us_bank_account', label: 'Bank account (ACH)' },
          { value: 'other', label: 'Other (check, wire, cash…)' },
        ]}
        onChange={(method) => update({ method })}
      />
      <FilterSelect
        label="Source"
        allLabel="Any source"
        value={values.source ?? ''}
        options={[
          { value: 'portal', label: 'Client portal' },
          { value: 'autopay', label: 'Autopay' },
          { value: 'link', label: 'Payment link' },
          { value: 'technician', label: 'Technician' },
          { value: 'bank_transfer', label: 'Bank transfer' },
          { value: 'offline', label: 'Recorded offline' },
        ]}
        onChange={(source) => update({ source })}
      />
      <DateFilter label="From" value={values.from ?? ''} onChange={(from) => update({ from })} />
      <DateFilter label="To" value={values.to ?? ''} onChange={(to) => update({ to })} />
      {Object.keys(values).length > 0 && (
        <div className="filters__actions">
          <button type="button" className="btn btn--ghost btn--sm" onClick={() => clear(KEYS)}>
            Clear filters
          </button>
        </div>
      )}
    </div>
  );
}

/** Every payment across clients: filters in the URL, CSV of exactly what the filters select. */
export function PaymentsPage() {
  const list = useListParams(KEYS);
  const payments = usePayments(list.values, list.page);
  const data = payments.data;
  const filtered = Object.keys(list.values).length > 0;

  let body;
  if (payments.error) {
    body = (
      <div className="card">
        <ErrorState error={payments.error} title="We couldn’t load payments" onRetry={payments.reload} />
      </div>
    );
  } else if (!data) {
    body = (
      <div className="card">
        <Loading label="Loading payments…" />
      </div>
    );
  } else if (data.payments.length === 0) {
    body = (
      <div className="card">
        {filtered ? (
          <EmptyState
            title="No payments match these filters"
            action={
              <button type="button" className="btn btn--secondary" onClick={() => list.clear(KEYS)}>
                Clear filters
              </button>
            }
          />
        ) : (
          <EmptyState title="No payments yet">Payments appear here as clients pay in the portal, by link or by autopay.</EmptyState>
        )}
      </div>
    );
  } else {
    body = (
      <>
        <TableRegion label="Payments" busy={payments.loading}>
          <PaymentsTable payments={data.payments} />
        </TableRegion>
        <Pagination page={data.page} pageSize={data.pageSize} total={data.total} onPageChange={list.setPage} itemLabel="payments" />
      </>
    );
  }

  return (
    <>
      <title>Payments · Settle</title>
      <PageHeader
        title="Payments"
        description="Every payment across your clients, newest first. Dates are in your timezone."
        actions={
          <a className="btn btn--secondary" href={csvExportHref(list.values)} download>
            Export CSV
          </a>
        }
      />
      <PaymentFilters list={list} />
      {body}
    </>
  );
}
