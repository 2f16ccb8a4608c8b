import type { JobDefinition } from '../jobs/job-registry';
import { deliverEmails } from './deliver-email';

/**
 * Every 10 s: send queued emails through SMTP_URL (or keep them as `stored` without it). The schedule
 * of each message (backoff, dead letter) lives in its outbox row, so the queue itself never retries.
 */
export const deliverEmailsJob: JobDefinition = {
  name: 'email.deliver',
  retryLimit: 0,
  retryDelaySeconds: 10,
  retryBackoff: false,
  expireInSeconds: 15 * 60,
  cron: () => '*/10 * * * * *',
  singletonSeconds: 10,
  async run(ctx) {
    const summary = await deliverEmails(ctx);
    if (summary.sent || summary.retrying || summary.dead) ctx.logger.info(summary, 'emails delivered');
  },
};
