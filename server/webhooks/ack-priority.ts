// Acknowledgements come first. Stripe needs a fast 2xx; processing may trail a burst by a few
// seconds. While deliveries are arriving, the processor waits for a short lull before each event —
// never longer than `maxWaitMs`, so processing still advances under a sustained flood. This matters
// most on embedded PGlite, where acknowledgements and processing share one connection and one CPU.
import type { AppContext } from '../http/context';

const lastAckAt = new WeakMap<AppContext, number>();

export function noteAcknowledgement(ctx: AppContext): void {
  lastAckAt.set(ctx, performance.now());
}

/** Resolves once no delivery arrived for `quietMs`, or after `maxWaitMs` at the latest. */
export async function waitForAcknowledgementLull(ctx: AppContext, options: { quietMs?: number; maxWaitMs?: number } = {}): Promise<void> {
  const quietMs = options.quietMs ?? 15;
  const deadline = performance.now() + (options.maxWaitMs ?? 250);
  for (;;) {
    const since = performance.now() - (lastAckAt.get(ctx) ?? -Infinity);
    if (since >= quietMs || performance.now() >= deadline) return;
    await new Promise((r) => setTimeout(r, quietMs - since));
  }
}
