import { Link } from 'react-router-dom';
import type { InvoiceFilter, InvoiceSummary } from './types';
import { INVOICE_FILTERS } from './types';

function filterLabel(filter: InvoiceFilter): string {
  switch (filter) {
    case 'unpaid':
      return 'Unpaid';
    case 'overdue':
      return 'Overdue';
    case 'all':
      return 'All';
    default: {
      const unknown: never = filter;
      return String(unknown);
    }
  }
}

function filterCount(filter: InvoiceFilter, summary: InvoiceSummary | undefined): number | null {
  if (!summary) return null;
  if (filter === 'unpaid') return summary.unpaidCount;
  if (filter === 'overdue') return summary.overdueCount;
  return null;
}

/** Unpaid / Overdue / All, as links so each view has its own address. */
export function FilterTabs({ current, summary }: { current: InvoiceFilter; summary: InvoiceSummary | undefined }) {
  return (
    <nav className="tabs" aria-label="Filter invoices">
      <ul className="tabs__list">
        {INVOICE_FILTERS.map((filter) => {
          const count = filterCount(filter, summary);
          return (
            <li key={filter}>
              <Link
                className="tabs__link"
                to={filter === 'unpaid' ? '/invoices' : `/invoices?filter=${filter}`}
                aria-current={filter === current ? 'page' : undefined}
              >
                {filterLabel(filter)}
                {count !== null && count > 0 && (
                  <span className={filter === 'overdue' ? 'tabs__count tabs__count--danger' : 'tabs__count'}>
                    <span className="sr-only">(</span>
                    {count}
                    <span className="sr-only">)</span>
                  </span>
                )}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
