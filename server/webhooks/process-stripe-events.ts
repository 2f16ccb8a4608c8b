// Drains the event ledger. The stripe_events table itself is the queue (not one pg-boss job per
// event): the acknowledgement then costs one INSERT, which is what lets a single PGlite connection
// acknowledge over a thousand events a second, and the row that proves "received" is the same row
// that says "processed" — there is no window where one exists without the other. Workers claim
// batches with FOR UPDATE SKIP LOCKED (claimStripeEvents), so any number of processes can drain
// concurrently; processes with JOBS_ENABLED=false only store, and a worker process drains later.
import type Stripe from 'stripe';
import { ACK_PRIORITY_FACTOR, yieldToAcknowledgements } from './ack-priority';
import { InstallationScope } from '../db/tenant-scope';
import { AppError } from '../http/app-error';
import type { AppContext } from '../http/context';
import { claimStripeEvents, type ClaimedStripeEvent } from './claim-stripe-events';
import { isHandledEventType, type HandledEventType } from './handled-event-types';
import { webhookHandlers } from './handlers/index';
import type { WebhookHandler, WebhookHandlerMap } from './handlers/webhook-handler';
import { MAX_EVENT_ATTEMPTS, retryDelayMs } from './retry-policy';

export interface ProcessStripeEventsOptions {
  /** Events claimed per round trip. */
  batchSize?: number;
  /** Events of one batch handled at once (Stripe round trips overlap). */
  concurrency?: number;
  /** Stop claiming new batches after this long (a batch in hand is always finished). */
  budgetMs?: number;
  /** Checked between batches (shutdown). */
  shouldStop?: () => boolean;
  /** The handler registry (tests inject counting handlers). */
  handlers?: WebhookHandlerMap;
}

export interface ProcessStripeEventsResult {
  claimed: number;
  processed: number;
  deferred: number;
  ignored: number;
  failed: number;
  dead: number;
}

type Final = 'processed' | 'deferred' | 'ignored' | 'failed' | 'dead';

/**
 * Claims and processes events until none are claimable (or the budget runs out). Each event is
 * handled by its type's handler, which re-fetches from Stripe and converges; on success the event is
 * `processed` (or `deferred`/`ignored`), on error it is retried with backoff and dead-lettered after
 * MAX_EVENT_ATTEMPTS. Exactly once in effect: one worker holds an event at a time (SKIP LOCKED plus a
 * lease), a crashed worker's event is taken over after the lease, and handlers are idempotent, so a
 * re-run after a crash changes nothing twice. One event's failure never affects another.
 */
export async function processStripeEvents(ctx: AppContext, options: ProcessStripeEventsOptions = {}): Promise<ProcessStripeEventsResult> {
  const batchSize = options.batchSize ?? 50;
  // PGlite has one connection: a second handler only queues its transaction there, ahead of the
  // acknowledgements' inserts.
  const concurrency = options.concurrency ?? (ctx.config.database.kind === 'pglite' ? 1 : 8);
  const budgetMs = options.budgetMs ?? 30_000;
  const handlers = options.handlers ?? webhookHandlers;
  const started = Date.now();
  const totals: ProcessStripeEventsResult = { claimed: 0, processed: 0, deferred: 0, ignored: 0, failed: 0, dead: 0 };
  const clients = new Map<string, Promise<Stripe>>();
  const clientFor = (installationId: string): Promise<Stripe> => {
    let client = clients.get(installationId);
    if (!client) {
      client = ctx.stripe.forInstallation(ctx.db, installationId).then((c) => c.stripe);
      client.catch(() => clients.delete(installationId));
      clients.set(installationId, client);
    }
    return client;
  };

  while (!options.shouldStop?.() && Date.now() - started < budgetMs) {
    const batch = await claimStripeEvents(ctx, batchSize);
    if (batch.length === 0) break;
    totals.claimed += batch.length;
    let next = 0;
    const worker = async (): Promise<void> => {
      let lastMs = 0;
      while (next < batch.length) {
        const event = batch[next++]!;
        await yieldToAcknowledgements(ctx, ACK_PRIORITY_FACTOR * lastMs);
        const t0 = performance.now();
        totals[await processOne(ctx, event, handlers, clientFor)]++;
        lastMs = performance.now() - t0;
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, batch.length) }, worker));
  }
  return totals;
}

async function processOne(
  ctx: AppContext,
  event: ClaimedStripeEvent,
  handlers: WebhookHandlerMap,
  clientFor: (installationId: string) => Promise<Stripe>,
): Promise<Final> {
  if (!isHandledEventType(event.type)) return finish(ctx, event, 'ignored', null);
  const handler = handlers[event.type] as unknown as WebhookHandler<HandledEventType>;
  try {
    const stripe = await clientFor(event.installation_id);
    const scope = new InstallationScope(ctx.db, event.installation_id);
    const payload = (typeof event.payload === 'string' ? JSON.parse(event.payload) : event.payload) as Parameters<typeof handler>[0]['event'];
    const { outcome } = await handler({ event: payload, sync: { scope, stripe, clock: ctx.clock, logger: ctx.logger, publicUrl: ctx.config.publicUrl } });
    return await finish(ctx, event, outcome === 'deferred' ? 'deferred' : 'processed', null);
  } catch (err) {
    // Disconnected (uninstalled) since the event arrived: there is no account to re-fetch from.
    if (err instanceof AppError && err.code === 'STRIPE_NOT_CONNECTED') return finish(ctx, event, 'ignored', 'Stripe is not connected for this installation.');
    const message = err instanceof Error ? err.message : String(err);
    const final = event.attempts >= MAX_EVENT_ATTEMPTS ? 'dead' : 'failed';
    ctx.logger.warn({ err, eventId: event.stripe_event_id, type: event.type, attempts: event.attempts, final }, 'webhook event processing failed');
    try {
      return await finish(ctx, event, final, message.slice(0, 1000));
    } catch (finishErr) {
      // The lease will expire and another worker takes the event over.
      ctx.logger.error({ err: finishErr, eventId: event.stripe_event_id }, 'could not record a webhook event failure');
      return 'failed';
    }
  }
}

async function finish(ctx: AppContext, event: ClaimedStripeEvent, status: Final, error: string | null): Promise<Final> {
  const now = ctx.clock.now();
  const done = status === 'processed' || status === 'deferred' || status === 'ignored';
  // Conditional on this claim: if the lease expired and another worker took over, its result counts.
  await ctx
    .db('stripe_events')
    .where({ id: event.id, status: 'processing', attempts: event.attempts })
    .update({
      status,
      locked_until: null,
      last_error: error,
      processed_at: done ? now : null,
      next_attempt_at: status === 'failed' ? new Date(now.getTime() + retryDelayMs(event.attempts)) : null,
    });
  return status;
}
