import type { DeliveryFilter, OutboxDeliveryView } from '../../../server/outbox/list-outbox-deliveries';
import type { PsaWebhookSettingsView } from '../../../server/outbox/psa-webhook-settings';
import type { EndpointHealth, EventStatus, WebhookEventView, WebhookHealth } from '../../../server/webhooks/get-webhook-health';

export type { DeliveryFilter, EndpointHealth, EventStatus, OutboxDeliveryView, PsaWebhookSettingsView, WebhookEventView, WebhookHealth };

export interface PsaWebhookResponse {
  psaWebhook: PsaWebhookSettingsView;
}

export interface OutboxListResponse {
  deliveries: OutboxDeliveryView[];
  page: number;
  pageSize: number;
  total: number;
}

/** The PSA write-backs that need attention: waiting for a retry after a failure, and given up. */
export interface ProblemDeliveries {
  failing: OutboxListResponse;
  dead: OutboxListResponse;
}

export interface RetriedEventResponse {
  event: WebhookEventView;
}

export interface RetriedDeliveryResponse {
  delivery: OutboxDeliveryView;
}
