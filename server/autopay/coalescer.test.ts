import { describe, expect, it } from 'vitest';
import { Coalescer } from './coalescer';

/** A batch writer that records its calls; an item 'bad' makes any call containing it throw. */
function writer() {
  const batches: number[][] = [];
  const singles: number[] = [];
  let running = 0;
  let maxRunning = 0;
  const many = async (items: number[]) => {
    running++;
    maxRunning = Math.max(maxRunning, running);
    batches.push([...items]);
    await new Promise((r) => setTimeout(r, 5));
    running--;
    if (items.includes(13)) throw new Error('13 refuses the batch');
    return items.map((i) => i * 10);
  };
  const one = async (item: number) => {
    singles.push(item);
    await new Promise((r) => setTimeout(r, 1));
    if (item === 13) throw new Error('13 refused');
    return item * 10;
  };
  return { many, one, batches, singles, maxRunning: () => maxRunning };
}

describe('coalescer', () => {
  it('serves requests made together in batches of at most maxBatch, in order', async () => {
    const w = writer();
    const c = new Coalescer(w.many, w.one, { maxBatch: 4, waitMs: 2, lanes: 1 });
    const outs = await Promise.all(Array.from({ length: 10 }, (_, i) => c.submit(i)));
    expect(outs).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    // Full batches start at once; what queued behind a running batch goes in the next one.
    expect(w.batches).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
    expect(w.singles).toEqual([]);
    expect(c.fellBack).toBe(0);
    // A lone request waits waitMs for company, then goes by itself.
    expect(await c.submit(5)).toBe(50);
    expect(w.singles).toEqual([5]);
  });

  it('a batch that fails is served one by one: only the bad request fails, the others get their answer', async () => {
    const w = writer();
    const c = new Coalescer(w.many, w.one, { maxBatch: 8, waitMs: 2, lanes: 1 });
    const settled = await Promise.allSettled([11, 12, 13, 14].map((i) => c.submit(i)));
    expect(settled.map((s) => (s.status === 'fulfilled' ? s.value : 'refused'))).toEqual([110, 120, 'refused', 140]);
    expect(w.batches).toEqual([[11, 12, 13, 14]]);
    expect(w.singles.sort()).toEqual([11, 12, 13, 14]);
    expect(c.fellBack).toBe(1);
  });

  it('never runs more batch calls at once than it has lanes', async () => {
    const w = writer();
    const c = new Coalescer(w.many, w.one, { maxBatch: 2, waitMs: 1, lanes: 2 });
    await Promise.all(Array.from({ length: 12 }, (_, i) => c.submit(i)));
    expect(w.maxRunning()).toBe(2);
    expect(w.batches.every((b) => b.length <= 2)).toBe(true);
  });
});
