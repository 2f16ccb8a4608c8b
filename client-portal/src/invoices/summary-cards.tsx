import { StatCard } from '../../../ui-kit/components/stat-card';
import { formatMoney } from '../../../ui-kit/money';
import type { InvoiceSummary } from './types';

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** Total due and overdue, across all of the client's invoices (not just the current page). */
export function SummaryCards({ summary }: { summary: InvoiceSummary }) {
  return (
    <div className="stats">
      <StatCard
        label="Total due"
        value={formatMoney(summary.totalDue, summary.currency)}
        hint={
          summary.dueCount > 0
            ? plural(summary.dueCount, 'invoice to pay', 'invoices to pay')
            : summary.processingCount > 0
              ? 'Nothing else to pay right now'
              : 'You’re all paid up'
        }
      />
      <StatCard
        label="Overdue"
        value={formatMoney(summary.overdueAmount, summary.currency)}
        tone={summary.overdueAmount > 0 ? 'danger' : 'default'}
        hint={
          summary.overdueCount > 0
            ? `${plural(summary.overdueCount, 'invoice', 'invoices')} past due`
            : 'Nothing overdue'
        }
      />
      {summary.processingAmount > 0 && (
        <StatCard
          label="Processing"
          value={formatMoney(summary.processingAmount, summary.currency)}
          hint="Bank payments usually take 4 business days to clear"
        />
      )}
    </div>
  );
}
