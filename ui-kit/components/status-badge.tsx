import { describeInvoiceStatus } from '../invoice-status';
import type { Invoice } from '../types';
import { Badge } from './badge';

/** Invoice status pill; see `describeInvoiceStatus` for the exhaustive wording. */
export function StatusBadge({ invoice }: { invoice: Pick<Invoice, 'status' | 'overdue'> }) {
  const display = describeInvoiceStatus(invoice);
  return (
    <Badge tone={display.tone} title={display.description}>
      {display.label}
    </Badge>
  );
}
