import { FilterSelect } from '../lists/filter-select';
import { SearchInput } from '../lists/search-input';
import type { ListParams } from '../lists/use-list-params';

/** URL keys of the clients list (search, filters, sort). */
export const CLIENT_LIST_KEYS = ['search', 'mapping', 'autopay', 'balance', 'failed', 'verification', 'sort', 'order'] as const;
const FILTER_KEYS = CLIENT_LIST_KEYS.filter((k) => k !== 'sort' && k !== 'order');

const SORTS = [
  { value: 'name', label: 'Name (A–Z)' },
  { value: 'balance', label: 'Balance due (highest)' },
  { value: 'oldest_overdue', label: 'Oldest unpaid first' },
  { value: 'last_payment', label: 'Last payment (newest)' },
] as const;

/** "Needs attention" maps onto two independent API filters; the select offers one at a time. */
function attentionOf(values: Record<string, string>): string {
  if (values.failed === 'true') return 'failed';
  if (values.verification === 'awaiting') return 'verification';
  return '';
}

export function hasClientFilters(values: Record<string, string>): boolean {
  return FILTER_KEYS.some((k) => values[k]);
}

export function ClientsFilters({ list }: { list: ListParams }) {
  const { values, update, clear } = list;
  return (
    <div className="filters">
      <SearchInput
        label="Search clients"
        placeholder="Name, email, PSA ref or Stripe customer id"
        value={values.search ?? ''}
        onSearch={(search) => update({ search })}
      />
      <FilterSelect
        label="Balance"
        allLabel="Any balance"
        value={values.balance ?? ''}
        options={[
          { value: 'due', label: 'Balance due' },
          { value: 'overdue', label: 'Overdue' },
        ]}
        onChange={(balance) => update({ balance })}
      />
      <FilterSelect
        label="Needs attention"
        allLabel="Everyone"
        value={attentionOf(values)}
        options={[
          { value: 'failed', label: 'Latest payment failed' },
          { value: 'verification', label: 'Bank awaiting verification' },
        ]}
        onChange={(v) => update({ failed: v === 'failed' ? 'true' : null, verification: v === 'verification' ? 'awaiting' : null })}
      />
      <FilterSelect
        label="Autopay"
        allLabel="On or off"
        value={values.autopay ?? ''}
        options={[
          { value: 'on', label: 'Autopay on' },
          { value: 'off', label: 'Autopay off' },
        ]}
        onChange={(autopay) => update({ autopay })}
      />
      <FilterSelect
        label="Mapping"
        allLabel="Any mapping"
        value={values.mapping ?? ''}
        options={[
          { value: 'mapped', label: 'Mapped' },
          { value: 'unmapped', label: 'Unmapped' },
          { value: 'ignored', label: 'Ignored' },
        ]}
        onChange={(mapping) => update({ mapping })}
      />
      <FilterSelect
        label="Sort by"
        value={values.sort ?? 'name'}
        options={SORTS}
        onChange={(sort) => update({ sort: sort === 'name' ? null : sort, order: null })}
      />
      {hasClientFilters(values) && (
        <div className="filters__actions">
          <button type="button" className="btn btn--ghost btn--sm" onClick={() => clear(FILTER_KEYS)}>
            Clear filters
          </button>
        </div>
      )}
    </div>
  );
}
