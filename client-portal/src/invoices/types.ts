import type { InvoiceFilter, InvoiceSummary } from '../../../server/invoices/list-client-invoices';
import type { Invoice, Page } from '../../../ui-kit/types';

export type { InvoiceFilter, InvoiceSummary };

export const INVOICE_FILTERS: readonly InvoiceFilter[] = ['unpaid', 'overdue', 'all'];

export interface InvoiceListResponse extends Page {
  invoices: Invoice[];
  summary: InvoiceSummary;
}

export interface InvoiceResponse {
  invoice: Invoice;
}
