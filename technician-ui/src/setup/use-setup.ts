import { useResource } from '../../../ui-kit/use-resource';
import { api } from '../api';
import type { ConnectionResponse, MappingCountsResponse, SettingsInput, SettingsResponse, WebhookHealth } from './types';

/** Payment methods, autopay policy and tolerance (any staff member may read them). */
export function useSettings() {
  return useResource('setup-settings', (signal) => api.get<SettingsResponse>('/settings', { signal }), { keepPreviousData: true });
}

/** The Stripe connection as the UI may see it: account, mode, permissions; never a secret. */
export function useConnection() {
  return useResource('setup-connection', (signal) => api.get<ConnectionResponse>('/stripe/connection', { signal }), {
    keepPreviousData: true,
  });
}

/** Mapped/unmapped/ignored counts (admins only: the mapping API is). */
export function useMappingCounts(enabled: boolean) {
  return useResource(`setup-mapping-counts:${enabled}`, (signal) =>
    enabled
      ? api.get<MappingCountsResponse>('/mapping/clients', { query: { status: 'all', pageSize: 1 }, signal })
      : Promise.resolve(null),
  );
}

/** Webhook endpoint and event processing health (admins only). */
export function useWebhookHealth(enabled: boolean) {
  return useResource(`setup-webhook-health:${enabled}`, (signal) =>
    enabled ? api.get<WebhookHealth>('/webhooks/health', { signal }) : Promise.resolve(null),
  );
}

export function saveSettings(input: SettingsInput): Promise<SettingsResponse> {
  return api.request<SettingsResponse>('PUT', '/settings', { body: input });
}

/** Returns Stripe's authorize page address; the caller sends the browser there. */
export function startStripeOAuth(): Promise<{ url: string }> {
  return api.post<{ url: string }>('/stripe/oauth/start');
}

export function connectRestrictedKey(restrictedKey: string, publishableKey: string): Promise<ConnectionResponse> {
  return api.post<ConnectionResponse>('/stripe/connection/restricted-key', { restrictedKey, publishableKey });
}

/** Disconnects Stripe: Settle's access is revoked and its webhook endpoint removed. */
export function disconnectStripe(): Promise<ConnectionResponse> {
  return api.delete<ConnectionResponse>('/stripe/connection');
}
