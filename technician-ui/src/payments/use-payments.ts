import type { StaffPaymentView } from '../../../server/staff-payments/list-payments';
import type { Page } from '../../../ui-kit/types';
import { buildQuery } from '../../../ui-kit/api-client';
import { useResource } from '../../../ui-kit/use-resource';
import { api } from '../api';
import { useLiveVersion } from '../live/live-context';

export type StaffPayment = StaffPaymentView;
export const PAYMENTS_PAGE_SIZE = 25;

/** A page of payments for the URL's filters; reloads on live payment changes. */
export function usePayments(filters: Record<string, string>, page: number, pageSize = PAYMENTS_PAGE_SIZE) {
  const live = useLiveVersion('payments');
  const query = { ...filters, page, pageSize };
  return useResource(
    `payments?${JSON.stringify(query)}#${live}`,
    (signal) => api.get<Page & { payments: StaffPaymentView[] }>('/payments', { query, signal }),
    { keepPreviousData: true },
  );
}

/** The CSV download for the same filters (a plain link: the browser streams it to a file). */
export function csvExportHref(filters: Record<string, string>): string {
  return `/api/app/payments/export.csv${buildQuery(filters)}`;
}
