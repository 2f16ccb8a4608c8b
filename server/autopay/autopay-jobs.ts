// Autopay's jobs (registered in server/jobs/job-registry.ts): a node-cron tick every 15 minutes
// enqueues at most one run per installation per window (singleton key `autopay:{installationId}`,
// across all processes); each run charges what is due for its installation.
import { z } from 'zod';
import type { JobDefinition } from '../jobs/job-registry';
import { runAutopay } from './run-autopay';

export const AUTOPAY_RUN_JOB = 'autopay.run';
const WINDOW_SECONDS = 15 * 60;

export const autopayTickJob: JobDefinition = {
  name: 'autopay.tick',
  retryLimit: 1,
  retryDelaySeconds: 30,
  retryBackoff: false,
  expireInSeconds: 300,
  cron: () => '*/15 * * * *',
  singletonSeconds: WINDOW_SECONDS,
  async run(ctx) {
    if (!ctx.queue) return;
    const installations = (await ctx.db('installations as i')
      .join('stripe_connections as s', 's.installation_id', 'i.id')
      .where('i.status', 'active')
      .whereNot('s.status', 'disconnected')
      .distinct('i.id')
      .pluck('i.id')) as string[];
    for (const id of installations) {
      await ctx.queue.send(AUTOPAY_RUN_JOB, { installationId: id }, { singletonKey: `autopay:${id}`, singletonSeconds: WINDOW_SECONDS });
    }
  },
};

const runData = z.object({ installationId: z.string().uuid() }).passthrough();

export const autopayRunJob: JobDefinition = {
  name: AUTOPAY_RUN_JOB,
  // A run is safe to repeat (attempts are exactly-once); a crashed run is picked up by the next one.
  retryLimit: 2,
  retryDelaySeconds: 60,
  retryBackoff: true,
  expireInSeconds: 3600,
  async run(ctx, raw) {
    await runAutopay(ctx, runData.parse(raw).installationId);
  },
};
