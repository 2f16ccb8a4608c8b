// The fast path from acknowledgement to processing in a worker process. After storing an event the
// route wakes this process's processor, which drains right away instead of waiting for the next
// `webhooks.process-events` tick (every 5 s). Single-flight per process; concurrent drains in other
// processes are safe (SKIP LOCKED). Web-only processes (JOBS_ENABLED=false) never process: their
// events wait for a worker's tick. If the process dies mid-drain, the lease expires and the events
// are taken over — nothing here needs to finish for correctness.
import type { AppContext } from '../http/context';
import { processStripeEvents } from './process-stripe-events';

interface ProcessorState {
  running: boolean;
  again: boolean;
}

const states = new WeakMap<AppContext, ProcessorState>();

export function wakeEventProcessor(ctx: AppContext, options: { isStopping?: () => boolean } = {}): void {
  if (!ctx.config.jobs.enabled) return;
  let state = states.get(ctx);
  if (!state) {
    state = { running: false, again: false };
    states.set(ctx, state);
  }
  if (state.running) {
    state.again = true;
    return;
  }
  state.running = true;
  const s = state;
  const stopping = () => options.isStopping?.() ?? false;
  setImmediate(() => {
    void (async () => {
      try {
        let claimed = 0;
        do {
          s.again = false;
          // A run that claimed something may have stopped on its time budget: run until one finds nothing.
          ({ claimed } = await processStripeEvents(ctx, { budgetMs: 10_000, shouldStop: stopping }));
        } while ((s.again || claimed > 0) && !stopping());
      } catch (err) {
        ctx.logger.warn({ err }, 'webhook processor stopped early; the next tick resumes');
      } finally {
        s.running = false;
      }
    })();
  });
}
