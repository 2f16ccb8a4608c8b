import type { Invoice, Page } from '../../../ui-kit/types';

export type InvoiceFilter = 'unpaid' | 'overdue' | 'all';

export const INVOICE_FILTERS: readonly InvoiceFilter[] = ['unpaid', 'overdue', 'all'];

export interface InvoiceSummary {
  currency: string;
  /** Minor units still owed across all unpaid invoices. */
  totalDue: number;
  /** Minor units owed on overdue invoices. */
  overdueAmount: number;
  /** Minor units in payments still clearing (e.g. ACH); not part of `totalDue`. */
  processingAmount: number;
  dueCount: number;
  processingCount: number;
  unpaidCount: number;
  overdueCount: number;
}

export interface InvoiceListResponse extends Page {
  invoices: Invoice[];
  summary: InvoiceSummary;
}

export interface InvoiceResponse {
  invoice: Invoice;
}
