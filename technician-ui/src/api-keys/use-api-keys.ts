import { useResource } from '../../../ui-kit/use-resource';
import { api } from '../api';
import type { ApiKeyListResponse, CreatedApiKey } from './types';

export function useApiKeys() {
  return useResource('api-keys', (signal) => api.get<ApiKeyListResponse>('/api-keys', { signal }), {
    keepPreviousData: true,
  });
}

export function createApiKey(name: string): Promise<CreatedApiKey> {
  return api.post<CreatedApiKey>('/api-keys', { name });
}

/** Revokes a key; the PSA integration using it stops working at once. */
export function revokeApiKey(id: string): Promise<void> {
  return api.delete<void>(`/api-keys/${encodeURIComponent(id)}`);
}
