import { useResource } from '../../../ui-kit/use-resource';
import { api } from '../api';
import { useLiveVersion } from '../live/live-context';
import type { ClientListResponse, ClientResponse } from './types';

export const CLIENTS_PAGE_SIZE = 25;

/** One page of clients for the URL's search, filters and sort; newest request wins. */
export function useClients(filters: Record<string, string>, page: number) {
  const live = useLiveVersion('clients');
  const query = { ...filters, page, pageSize: CLIENTS_PAGE_SIZE };
  return useResource(
    `clients?${JSON.stringify(query)}#${live}`,
    (signal) => api.get<ClientListResponse>('/clients', { query, signal }),
    { keepPreviousData: true },
  );
}

/** One client with contacts and invoices; reloads when a payment or invoice of it changes. */
export function useClient(clientId: string) {
  const live = useLiveVersion(`client:${clientId}`);
  return useResource(
    `client:${clientId}#${live}`,
    (signal) => api.get<ClientResponse>(`/clients/${encodeURIComponent(clientId)}`, { signal }),
    { keepPreviousData: true },
  );
}
