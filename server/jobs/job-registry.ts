// Every background job, in one place: its queue policy, its handler and, for periodic work, the
// node-cron schedule that enqueues it. Handlers are thin: they call one exported runX().
import { autopayRunJob, autopayTickJob } from '../autopay/autopay-jobs';
import { pruneRateLimits } from '../payment-links/rate-limit';
import { purgeExpiredSessions } from '../auth/sessions';
import type { AppContext } from '../http/context';
import { mappingImportJob } from '../mapping/mapping-import-job';
import { deliverEmailsJob } from '../email/email-job';
import { sendNotificationsJob } from '../notifications/notifications-job';
import { psaWriteBackJob } from '../outbox/psa-write-back-job';
import { verificationReminderJob } from '../portal-payment-methods/verification-reminder-job';
import { refreshOAuthTokensJob } from '../stripe/stripe-jobs';
import { processWebhookEventsJob, webhookDriftSweepJob } from '../webhooks/webhook-jobs';
import { pruneLiveEventsJob } from '../live/prune-live-events';
import type { QueueDefinition } from './job-queue';

export interface JobDefinition extends QueueDefinition {
  run(ctx: AppContext, data: unknown): Promise<void>;
  /** node-cron expression; each tick enqueues at most one job per window (singleton key). */
  cron?: (ctx: AppContext) => string;
  /** Length of the dedupe window for ticks, in seconds. */
  singletonSeconds?: number;
}

export const purgeSessionsJob: JobDefinition = {
  name: 'maintenance.purge-sessions',
  retryLimit: 3,
  retryDelaySeconds: 30,
  retryBackoff: true,
  expireInSeconds: 300,
  cron: (ctx) => ctx.config.jobs.maintenanceCron,
  singletonSeconds: 600,
  async run(ctx) {
    const purged = await purgeExpiredSessions(ctx.db, ctx.clock, ctx.config.login.windowMinutes);
    const rateLimitWindows = await pruneRateLimits(ctx.db, ctx.clock.now());
    if (purged.sessions || purged.loginAttempts || rateLimitWindows) ctx.logger.info({ ...purged, rateLimitWindows }, 'purged expired sessions, old login attempts and rate-limit windows');
  },
};

export const jobDefinitions: readonly JobDefinition[] = [purgeSessionsJob, mappingImportJob, psaWriteBackJob, processWebhookEventsJob, webhookDriftSweepJob, refreshOAuthTokensJob, deliverEmailsJob, verificationReminderJob, autopayTickJob, autopayRunJob, sendNotificationsJob, pruneLiveEventsJob];
