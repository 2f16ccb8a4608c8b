import { useResource } from '../../../ui-kit/use-resource';
import { api } from '../api';
import type { InvoiceFilter, InvoiceListResponse, InvoiceResponse } from './types';

export const INVOICES_PAGE_SIZE = 25;

/** One page of the signed-in client's invoices, plus the account summary. */
export function useInvoices(filter: InvoiceFilter, page: number) {
  return useResource(
    `invoices?${filter}&${page}`,
    (signal) =>
      api.get<InvoiceListResponse>('/invoices', { query: { filter, page, pageSize: INVOICES_PAGE_SIZE }, signal }),
    { keepPreviousData: true },
  );
}

export function useInvoice(invoiceId: string) {
  return useResource(`invoice:${invoiceId}`, (signal) =>
    api.get<InvoiceResponse>(`/invoices/${encodeURIComponent(invoiceId)}`, { signal }),
  );
}
