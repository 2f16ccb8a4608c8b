// Autopay data for the client card and the invoice page, reloaded when a webhook moves the invoice
// or client (live topics) and when one of the autopay actions changed it (the header buttons and the
// timeline section are separate extensions, so they share a tiny change signal).
import { useSyncExternalStore } from 'react';
import type { ClientAutopayView, InvoiceAutopayView } from '../../../server/autopay/actions/autopay-views';
import { useResource } from '../../../ui-kit/use-resource';
import { api } from '../api';
import { useLiveVersion } from '../live/live-context';

export type { AttemptView, ClientAutopayView, InvoiceAutopayView, UpcomingChargeView } from '../../../server/autopay/actions/autopay-views';

let changes = 0;
const listeners = new Set<() => void>();
const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

/** Tell every autopay view on the page to load again. */
export function autopayChanged(): void {
  changes++;
  for (const l of listeners) l();
}

function useChanges(): number {
  return useSyncExternalStore(subscribe, () => changes);
}

export function useClientAutopay(clientId: string) {
  const live = useLiveVersion(`client:${clientId}`);
  const local = useChanges();
  return useResource(`client-autopay:${clientId}#${live}:${local}`, (signal) => api.get<{ autopay: ClientAutopayView }>(`/clients/${encodeURIComponent(clientId)}/autopay`, { signal }).then((r) => r.autopay), { keepPreviousData: true });
}

export function useInvoiceAutopay(invoiceId: string) {
  const live = useLiveVersion(`invoice:${invoiceId}`);
  const local = useChanges();
  return useResource(`invoice-autopay:${invoiceId}#${live}:${local}`, (signal) => api.get<{ autopay: InvoiceAutopayView }>(`/invoices/${encodeURIComponent(invoiceId)}/autopay`, { signal }).then((r) => r.autopay), { keepPreviousData: true });
}
