// live_events only has to cover a browser's reconnect (Last-Event-ID) and PGlite polling: a day of
// history is plenty. Removing older rows keeps the table small whatever the payment volume.
import type { Clock } from '../clock';
import type { DbOrTrx } from '../db/database';
import type { JobDefinition } from '../jobs/job-registry';

export const LIVE_EVENTS_KEEP_HOURS = 24;

/** Deletes events older than a day. Idempotent; never touches anything else. */
export async function pruneLiveEvents(db: DbOrTrx, clock: Clock): Promise<number> {
  return db('live_events')
    .where('at', '<', new Date(clock.now().getTime() - LIVE_EVENTS_KEEP_HOURS * 3_600_000))
    .del();
}

export const pruneLiveEventsJob: JobDefinition = {
  name: 'live.prune-events',
  retryLimit: 3,
  retryDelaySeconds: 60,
  retryBackoff: true,
  expireInSeconds: 300,
  cron: () => '17 * * * *',
  singletonSeconds: 3000,
  async run(ctx) {
    const removed = await pruneLiveEvents(ctx.db, ctx.clock);
    if (removed) ctx.logger.info({ removed }, 'pruned live update events');
  },
};
