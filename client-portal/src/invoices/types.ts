import type { InvoiceFilter, InvoiceSummary } from '../../../server/invoices/list-client-invoices';
import type { Invoice, Page } from '../../../ui-kit/types';
import type { InvoicePaymentInfo } from '../pay/types';

export type { InvoiceFilter, InvoiceSummary };

export const INVOICE_FILTERS: readonly InvoiceFilter[] = ['unpaid', 'overdue', 'all'];

export interface InvoiceListResponse extends Page {
  invoices: Invoice[];
  summary: InvoiceSummary;
}

/** The invoice plus what paying needs: its payments, whether it can be paid now, and why not. */
export interface InvoiceResponse {
  invoice: Invoice & InvoicePaymentInfo;
}
