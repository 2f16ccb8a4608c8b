import type { Clock } from '../clock';
import { toCount } from '../db/database';
import type { ClientScope } from '../db/tenant-scope';
import { AppError } from '../http/app-error';
import { INVOICE_COLUMNS, installationToday, PAYABLE_STATUSES, toInvoiceView, type InvoiceRow, type InvoiceView } from './invoice-view';

export type InvoiceFilter = 'unpaid' | 'overdue' | 'all';

export interface ListClientInvoicesOptions {
  filter: InvoiceFilter;
  page: number;
  pageSize: number;
}

export interface InvoiceSummary {
  currency: string;
  totalDue: number;
  overdueAmount: number;
  processingAmount: number;
  /** Invoices making up totalDue (open or partially paid). */
  dueCount: number;
  /** Invoices whose payment has not cleared yet (not part of totalDue). */
  processingCount: number;
  /** dueCount + processingCount: what the "unpaid" filter lists. */
  unpaidCount: number;
  overdueCount: number;
}

/**
 * A client's invoices for the portal, one page at a time, with the totals the client cares about.
 * "Unpaid" includes invoices whose payment is still processing: they are not paid until it clears.
 * Read-only.
 */
export async function listClientInvoices(
  scope: ClientScope,
  options: ListClientInvoicesOptions,
  clock: Clock,
): Promise<{ invoices: InvoiceView[]; page: number; pageSize: number; total: number; summary: InvoiceSummary }> {
  const { today, currency } = await installationToday(scope.db, scope.installationId, clock.now());
  const filtered = () => {
    const q = scope.from('invoices');
    if (options.filter === 'unpaid') q.whereIn('invoices.status', [...PAYABLE_STATUSES, 'processing']);
    if (options.filter === 'overdue') q.whereIn('invoices.status', PAYABLE_STATUSES).andWhere('invoices.due_date', '<', today);
    return q;
  };
  // The page and the filter's total in one statement (a window count), so a list costs two queries.
  const rows = (await filtered()
    .select([...INVOICE_COLUMNS, scope.db.raw('count(*) over () as full_count')])
    .orderBy(options.filter === 'all' ? [{ column: 'invoices.issued_at', order: 'desc' }] : [{ column: 'invoices.due_date', order: 'asc' }])
    .orderBy('invoices.number', 'asc')
    .limit(options.pageSize)
    .offset((options.page - 1) * options.pageSize)) as Array<InvoiceRow & { full_count: unknown }>;
  // Past the last page the window count has no row to ride on: count directly.
  const total = rows.length > 0 ? toCount(rows[0]!.full_count) : toCount(((await filtered().count({ n: '*' }).first()) as { n: unknown }).n);
  const sums = (await scope
    .from('invoices')
    .first(
      scope.db.raw(`coalesce(sum(amount_remaining) filter (where status in ('open','partially_paid')), 0) as total_due`),
      scope.db.raw(`coalesce(sum(amount_remaining) filter (where status in ('open','partially_paid') and due_date < ?), 0) as overdue_amount`, [today]),
      scope.db.raw(`coalesce(sum(amount_remaining) filter (where status = 'processing'), 0) as processing_amount`),
      scope.db.raw(`count(*) filter (where status in ('open','partially_paid')) as due_count`),
      scope.db.raw(`count(*) filter (where status = 'processing') as processing_count`),
      scope.db.raw(`count(*) filter (where status in ('open','partially_paid') and due_date < ?) as overdue_count`, [today]),
    )) as Record<string, unknown>;
  return {
    invoices: rows.map((r) => toInvoiceView(r, today)),
    page: options.page,
    pageSize: options.pageSize,
    total,
    summary: {
      currency,
      totalDue: toCount(sums.total_due),
      overdueAmount: toCount(sums.overdue_amount),
      processingAmount: toCount(sums.processing_amount),
      dueCount: toCount(sums.due_count),
      processingCount: toCount(sums.processing_count),
      unpaidCount: toCount(sums.due_count) + toCount(sums.processing_count),
      overdueCount: toCount(sums.overdue_count),
    },
  };
}

/** One invoice of this client, or INVOICE_NOT_FOUND (also for other clients' invoices). Read-only. */
export async function getClientInvoice(scope: ClientScope, invoiceId: string, clock: Clock): Promise<InvoiceView> {
  const row = (await scope.from('invoices').where('invoices.id', invoiceId).first(INVOICE_COLUMNS)) as InvoiceRow | undefined;
  if (!row) throw new AppError('INVOICE_NOT_FOUND');
  const { today } = await installationToday(scope.db, scope.installationId, clock.now());
  return toInvoiceView(row, today);
}
