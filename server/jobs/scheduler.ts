// Runs the job registry: creates queues, starts workers and the node-cron ticks. Several processes
// may run this against one PostgreSQL: ticks dedupe on singleton keys, pg-boss hands each job to one
// worker (SKIP LOCKED), so a periodic job runs once per window however many processes tick.
import cron, { type ScheduledTask } from 'node-cron';
import type { AppContext } from '../http/context';
import type { JobQueue } from './job-queue';
import type { JobDefinition } from './job-registry';

export interface Scheduler {
  /** Enqueues one tick of a periodic job (what the cron callback does). */
  tick(def: JobDefinition): Promise<string | null>;
  stop(timeoutMs: number): Promise<void>;
}

export async function startScheduler(
  ctx: AppContext,
  queue: JobQueue,
  definitions: readonly JobDefinition[],
  options: { cron?: boolean; pollingIntervalSeconds?: number } = {},
): Promise<Scheduler> {
  const tasks: ScheduledTask[] = [];
  for (const def of definitions) {
    await queue.ensureQueue(def);
    await queue.work(def.name, (data) => def.run(ctx, data), { pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2 });
  }
  const tick = (def: JobDefinition) =>
    queue.send(def.name, { tickedAt: ctx.clock.now().toISOString() }, { singletonKey: def.name, singletonSeconds: def.singletonSeconds ?? 60 });
  if (options.cron ?? true) {
    for (const def of definitions) {
      if (!def.cron) continue;
      const task = cron.schedule(def.cron(ctx), () => {
        tick(def).catch((err: unknown) => ctx.logger.error({ err, job: def.name }, 'could not enqueue tick'));
      }, { name: def.name });
      tasks.push(task);
    }
  }
  return {
    tick,
    async stop(timeoutMs) {
      for (const t of tasks) await t.stop();
      await queue.stop(timeoutMs);
    },
  };
}
