import type Stripe from 'stripe';
import type { InstallationScope } from '../db/tenant-scope';
import { AppError } from '../http/app-error';
import type { AppContext } from '../http/context';
import { HANDLED_EVENT_TYPES } from './handled-event-types';
import { isMissing, webhookUrlFor } from './ensure-webhook-endpoint';

export const EVENT_STATUSES = ['pending', 'processing', 'processed', 'deferred', 'ignored', 'failed', 'dead'] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];

export interface WebhookEventView {
  id: string;
  stripeEventId: string;
  type: string;
  objectId: string | null;
  status: EventStatus;
  attempts: number;
  lastError: string | null;
  receivedAt: string;
  nextAttemptAt: string | null;
}

export type EndpointHealth =
  | { status: 'not_connected' }
  | { status: 'not_configured' }
  | { status: 'missing'; endpointId: string }
  | { status: 'unreachable'; endpointId: string }
  | { status: 'enabled' | 'disabled'; endpointId: string; url: string; urlMatches: boolean; eventsMatch: boolean };

export interface WebhookHealth {
  lastEventReceivedAt: string | null;
  /** Events received in the last 24 hours, by status. */
  last24h: Record<EventStatus, number>;
  /** Not yet processed, however old (a growing backlog means no worker is draining). */
  backlog: { pending: number; oldestPendingAt: string | null };
  failing: WebhookEventView[];
  deadLetters: WebhookEventView[];
  endpoint: EndpointHealth;
}

interface EventRow {
  id: string;
  stripe_event_id: string;
  type: string;
  object_id: string | null;
  status: EventStatus;
  attempts: number;
  last_error: string | null;
  received_at: Date;
  next_attempt_at: Date | null;
}

export function toEventView(row: EventRow): WebhookEventView {
  return {
    id: row.id,
    stripeEventId: row.stripe_event_id,
    type: row.type,
    objectId: row.object_id,
    status: row.status,
    attempts: row.attempts,
    lastError: row.last_error,
    receivedAt: row.received_at.toISOString(),
    nextAttemptAt: row.next_attempt_at ? row.next_attempt_at.toISOString() : null,
  };
}

const VIEW_COLUMNS = ['id', 'stripe_event_id', 'type', 'object_id', 'status', 'attempts', 'last_error', 'received_at', 'next_attempt_at'];

/**
 * The webhook health panel: last event received, counts by status over 24 h, the backlog, failing
 * events (will retry) and dead letters (need a person), and the endpoint as Stripe reports it. Reads
 * only; a Stripe error shows as `unreachable` rather than failing the panel.
 */
export async function getWebhookHealth(ctx: AppContext, scope: InstallationScope): Promise<WebhookHealth> {
  const since = new Date(ctx.clock.now().getTime() - 24 * 3_600_000);
  const [last] = (await scope.from('stripe_events').max({ at: 'received_at' })) as Array<{ at: Date | null }>;
  const counts = (await scope.from('stripe_events').where('received_at', '>=', since).groupBy('status').select('status').count({ n: '*' })) as Array<{ status: EventStatus; n: number | string }>;
  const last24h = Object.fromEntries(EVENT_STATUSES.map((s) => [s, 0])) as Record<EventStatus, number>;
  for (const c of counts) last24h[c.status] = Number(c.n);
  const [backlog] = (await scope.from('stripe_events').whereIn('status', ['pending', 'processing']).count({ n: '*' }).min({ oldest: 'received_at' })) as Array<{ n: number | string; oldest: Date | null }>;
  const failing = (await scope.from('stripe_events').where({ status: 'failed' }).orderBy('received_at', 'desc').limit(20).select(VIEW_COLUMNS)) as EventRow[];
  const dead = (await scope.from('stripe_events').where({ status: 'dead' }).orderBy('received_at', 'desc').limit(50).select(VIEW_COLUMNS)) as EventRow[];
  return {
    lastEventReceivedAt: last?.at ? new Date(last.at).toISOString() : null,
    last24h,
    backlog: { pending: Number(backlog?.n ?? 0), oldestPendingAt: backlog?.oldest ? new Date(backlog.oldest).toISOString() : null },
    failing: failing.map(toEventView),
    deadLetters: dead.map(toEventView),
    endpoint: await endpointHealth(ctx, scope.installationId),
  };
}

async function endpointHealth(ctx: AppContext, installationId: string): Promise<EndpointHealth> {
  let client: Awaited<ReturnType<typeof ctx.stripe.forInstallation>>;
  try {
    client = await ctx.stripe.forInstallation(ctx.db, installationId);
  } catch (err) {
    if (err instanceof AppError && err.code === 'STRIPE_NOT_CONNECTED') return { status: 'not_connected' };
    throw err;
  }
  const endpointId = client.connection.webhook_endpoint_id;
  if (!endpointId || !client.connection.webhook_secret_enc) return { status: 'not_configured' };
  let endpoint: Stripe.WebhookEndpoint;
  try {
    endpoint = await client.stripe.webhookEndpoints.retrieve(endpointId);
  } catch (err) {
    if (isMissing(err)) return { status: 'missing', endpointId };
    ctx.logger.warn({ err, installationId }, 'could not read the webhook endpoint from Stripe');
    return { status: 'unreachable', endpointId };
  }
  const want = new Set<string>(HANDLED_EVENT_TYPES);
  return {
    status: endpoint.status === 'enabled' ? 'enabled' : 'disabled',
    endpointId,
    url: endpoint.url,
    urlMatches: endpoint.url === webhookUrlFor(ctx.config.publicUrl, installationId),
    eventsMatch: endpoint.enabled_events.length === want.size && endpoint.enabled_events.every((t) => want.has(t)),
  };
}
