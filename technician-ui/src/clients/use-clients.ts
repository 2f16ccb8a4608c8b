import { useResource } from '../../../ui-kit/use-resource';
import { api } from '../api';
import type { ClientListResponse, ClientResponse } from './types';

export const CLIENTS_PAGE_SIZE = 25;

/** One page of clients matching `search` (name, email or PSA ref), newest request wins. */
export function useClients(search: string, page: number) {
  return useResource(
    `clients?${search}&${page}`,
    (signal) =>
      api.get<ClientListResponse>('/clients', { query: { search, page, pageSize: CLIENTS_PAGE_SIZE }, signal }),
    { keepPreviousData: true },
  );
}

/** One client with contacts and invoices. */
export function useClient(clientId: string) {
  return useResource(`client:${clientId}`, (signal) =>
    api.get<ClientResponse>(`/clients/${encodeURIComponent(clientId)}`, { signal }),
  );
}
