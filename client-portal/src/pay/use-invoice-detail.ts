import { useResource } from '../../../ui-kit/use-resource';
import { api } from '../api';
import type { InvoiceResponse } from '../invoices/types';

/**
 * One invoice with its payment information. Unlike a plain load, a reload (after paying) keeps the
 * page on screen — the Pay button, focus and the dialog stay put while the new state arrives — and
 * data of a previous invoice is never shown for another.
 */
export function useInvoiceDetail(invoiceId: string) {
  const resource = useResource(
    `invoice:${invoiceId}`,
    (signal) => api.get<InvoiceResponse>(`/invoices/${encodeURIComponent(invoiceId)}`, { signal }),
    { keepPreviousData: true },
  );
  const data = resource.data?.invoice.id === invoiceId ? resource.data : undefined;
  return { ...resource, data };
}
