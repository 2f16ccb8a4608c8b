import { describe, expect, it } from 'vitest';
import type { AppContext } from '../http/context';
import { noteDelivery, yieldToAcknowledgements } from './ack-priority';

const ctx = () => ({}) as AppContext;

describe('yieldToAcknowledgements', () => {
  it('does not wait when no delivery arrived recently', async () => {
    const c = ctx();
    const t0 = performance.now();
    await yieldToAcknowledgements(c, 200);
    expect(performance.now() - t0).toBeLessThan(10);
  });

  it('waits for a lull, but never longer than the last event took (processing keeps half the time)', async () => {
    const c = ctx();
    const flood = setInterval(() => noteDelivery(c), 2); // deliveries every 2 ms: never a 15 ms lull
    try {
      noteDelivery(c);
      const t0 = performance.now();
      await yieldToAcknowledgements(c, 40);
      const waited = performance.now() - t0;
      expect(waited).toBeGreaterThanOrEqual(35);
      expect(waited).toBeLessThan(120);
    } finally {
      clearInterval(flood);
    }
  });

  it('stops waiting once deliveries pause', async () => {
    const c = ctx();
    noteDelivery(c);
    const t0 = performance.now();
    await yieldToAcknowledgements(c, 200);
    const waited = performance.now() - t0;
    expect(waited).toBeGreaterThanOrEqual(10);
    expect(waited).toBeLessThan(100);
  });
});
