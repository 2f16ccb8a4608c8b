// Acknowledgements come first, without starving processing. Stripe needs a fast 2xx; processing may
// trail a burst. Before each event the processor waits for a short lull in deliveries — but never
// longer than four times what the previous event took to process (ACK_PRIORITY_FACTOR), so under any
// sustained load processing still gets at least a fifth of the time (a backlog always drains), while
// during a burst the acknowledgements get the rest. This matters most on embedded PGlite, where acknowledgements and
// processing share one connection and one CPU.
import type { AppContext } from '../http/context';

const QUIET_MS = 15;
/** Processing waits at most this many times its previous event's duration for a lull. */
export const ACK_PRIORITY_FACTOR = 4;
const lastDeliveryAt = new WeakMap<AppContext, number>();

export function noteDelivery(ctx: AppContext): void {
  lastDeliveryAt.set(ctx, performance.now());
}

/** Resolves after a QUIET_MS lull in deliveries, or after `maxWaitMs` at the latest. */
export async function yieldToAcknowledgements(ctx: AppContext, maxWaitMs: number): Promise<void> {
  const deadline = performance.now() + Math.min(maxWaitMs, 250);
  for (;;) {
    const since = performance.now() - (lastDeliveryAt.get(ctx) ?? -Infinity);
    const left = deadline - performance.now();
    if (since >= QUIET_MS || left <= 0) return;
    await new Promise((r) => setTimeout(r, Math.min(QUIET_MS - since, left)));
  }
}
