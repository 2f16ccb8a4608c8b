import { useEffect } from 'react';
import { useResource } from '../../../ui-kit/use-resource';
import { api } from '../api';
import type { AcceptSuggestionsResult, ClientMappingView, CustomerSearchResponse, ImportProgressResponse, MappingClientsResponse, MappingFilter, MappingRunView } from './types';

export const MAPPING_PAGE_SIZE = 25;
const POLL_MS = 1000;

export function isRunActive(run: MappingRunView | null | undefined): boolean {
  return !!run && (run.status === 'queued' || run.status === 'fetching' || run.status === 'suggesting') && !run.stale;
}

export function useMappingClients(status: MappingFilter, search: string, page: number) {
  return useResource(
    `mapping-clients?${status}&${search}&${page}`,
    (signal) => api.get<MappingClientsResponse>('/mapping/clients', { query: { status, search, page, pageSize: MAPPING_PAGE_SIZE }, signal }),
    { keepPreviousData: true },
  );
}

/** The latest import run, polled every second while it is running (the live progress bar). */
export function useImportProgress() {
  const progress = useResource('mapping-import', (signal) => api.get<ImportProgressResponse>('/mapping/import', { signal }), { keepPreviousData: true });
  const active = isRunActive(progress.data?.run);
  const { reload, loading } = progress;
  useEffect(() => {
    if (!active || loading) return;
    const timer = setTimeout(reload, POLL_MS);
    return () => clearTimeout(timer);
  }, [active, loading, reload]);
  return progress;
}

export const startImport = () => api.post<{ run: MappingRunView; resumed: boolean }>('/mapping/import', {});
export const acceptAbove = (minConfidence: number) => api.post<AcceptSuggestionsResult>('/mapping/accept', { minConfidence });
export const acceptClients = (clientIds: string[]) => api.post<AcceptSuggestionsResult>('/mapping/accept', { clientIds });
export const mapClient = (clientId: string, customerId: string) =>
  api.post<{ client: ClientMappingView }>(`/mapping/clients/${encodeURIComponent(clientId)}/map`, { customerId });
export const createCustomer = (clientId: string) =>
  api.post<{ client: ClientMappingView; reused: boolean }>(`/mapping/clients/${encodeURIComponent(clientId)}/create-customer`, {});
export const setStatus = (clientId: string, action: 'ignore' | 'unignore' | 'unmap') =>
  api.post<{ client: ClientMappingView }>(`/mapping/clients/${encodeURIComponent(clientId)}/${action}`, {});
export const searchCustomers = (q: string, signal?: AbortSignal) =>
  api.get<CustomerSearchResponse>('/mapping/customers/search', { query: { q }, ...(signal ? { signal } : {}) });
