import type { JobDefinition } from '../jobs/job-registry';
import { deliverPsaWebhooks } from './deliver-outbox';

/**
 * Every 20 s: deliver due PSA webhooks (a bounded batch per run). The schedule of each delivery
 * (backoff, dead letter) lives in the outbox rows, so the queue itself never retries.
 */
export const psaWriteBackJob: JobDefinition = {
  name: 'outbox.deliver-psa-webhooks',
  retryLimit: 0,
  retryDelaySeconds: 20,
  retryBackoff: false,
  expireInSeconds: 15 * 60,
  cron: () => '*/20 * * * * *',
  singletonSeconds: 15,
  async run(ctx) {
    const summary = await deliverPsaWebhooks(ctx);
    if (summary.sent || summary.retrying || summary.dead) ctx.logger.info(summary, 'PSA webhooks delivered');
  },
};
