import { useResource } from '../../../ui-kit/use-resource';
import { api } from '../api';
import type {
  DeliveryFilter,
  OutboxListResponse,
  ProblemDeliveries,
  PsaWebhookResponse,
  RetriedDeliveryResponse,
  RetriedEventResponse,
  WebhookHealth,
} from './types';

/** Stripe's webhook endpoint, event counts and the failed and dead-lettered events (admins only). */
export function useWebhookHealth() {
  return useResource('integrations-webhook-health', (signal) => api.get<WebhookHealth>('/webhooks/health', { signal }), {
    keepPreviousData: true,
  });
}

/** Where Settle sends write-backs to the PSA (admins only). */
export function usePsaWebhook() {
  return useResource('integrations-psa-webhook', (signal) => api.get<PsaWebhookResponse>('/settings/psa-webhook', { signal }), {
    keepPreviousData: true,
  });
}

const PAGE_SIZE = 100;

function listDeliveries(filter: DeliveryFilter, signal: AbortSignal): Promise<OutboxListResponse> {
  return api.get<OutboxListResponse>('/outbox', { query: { filter, pageSize: PAGE_SIZE }, signal });
}

/** Outbound deliveries waiting for a retry after a failure, and those Settle gave up on. */
export function useProblemDeliveries() {
  return useResource(
    'integrations-outbox-problems',
    async (signal): Promise<ProblemDeliveries> => {
      const [failing, dead] = await Promise.all([listDeliveries('failing', signal), listDeliveries('dead', signal)]);
      return { failing, dead };
    },
    { keepPreviousData: true },
  );
}

/** Puts a failed or dead-lettered Stripe event back in the queue; a worker processes it shortly. */
export function retryWebhookEvent(id: string): Promise<RetriedEventResponse> {
  return api.post<RetriedEventResponse>(`/webhooks/events/${encodeURIComponent(id)}/retry`);
}

/** Makes a failing or dead delivery due now, with a fresh retry schedule. */
export function retryOutboxDelivery(id: string): Promise<RetriedDeliveryResponse> {
  return api.post<RetriedDeliveryResponse>(`/outbox/${encodeURIComponent(id)}/retry`);
}
