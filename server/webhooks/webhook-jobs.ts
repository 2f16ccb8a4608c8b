// The webhook pipeline's background jobs (registered in server/jobs/job-registry.ts).
import type { JobDefinition } from '../jobs/job-registry';
import { processStripeEvents } from './process-stripe-events';
import { runDriftSweep } from './run-drift-sweep';

/**
 * Drains stripe_events every 5 seconds in whichever worker process gets the tick (one per window
 * across processes; SKIP LOCKED makes overlapping drains safe anyway). This is what processes events
 * stored by web-only processes and events whose worker died. Failures are per event (retry/backoff
 * in the table), so the job itself is not retried.
 */
export const processWebhookEventsJob: JobDefinition = {
  name: 'webhooks.process-events',
  retryLimit: 0,
  retryDelaySeconds: 5,
  retryBackoff: false,
  expireInSeconds: 300,
  cron: () => '*/5 * * * * *',
  singletonSeconds: 5,
  async run(ctx) {
    const result = await processStripeEvents(ctx, { budgetMs: 60_000 });
    if (result.failed || result.dead) ctx.logger.warn(result, 'some webhook events failed');
  },
};

/** Re-syncs open intents every 10 minutes so a missed webhook never leaves anything stuck. */
export const webhookDriftSweepJob: JobDefinition = {
  name: 'webhooks.drift-sweep',
  retryLimit: 1,
  retryDelaySeconds: 60,
  retryBackoff: false,
  expireInSeconds: 900,
  cron: () => '*/10 * * * *',
  singletonSeconds: 600,
  async run(ctx) {
    await runDriftSweep(ctx);
  },
};
