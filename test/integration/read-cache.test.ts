// The read cache (server/http/read-cache.ts) on a real database: what it serves is never staler than
// a plain read a moment ago. Repeated reads cost one computation; a write through the same knex
// (outside or inside a transaction) drops everything, including a computation that was running when
// the write happened — but a lone write to sessions drops only the sessions scope; a live event drops its installation's entries only; an old entry is served
// once more while a fresh one is computed, and one past the maximum age is not served at all.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReadCache, isPlainRead } from '../../server/http/read-cache';
import type { LiveEventView } from '../../server/live/live-event';
import type { LiveHub } from '../../server/live/live-hub';
import { makeInstallation } from '../support/factories';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

/** A stand-in for the live hub: the test says when another process's change arrives. */
function fakeHub() {
  let all: ((event: LiveEventView, installationId: string) => void) | null = null;
  const hub = { subscribeAll: (fn: typeof all) => ((all = fn), () => (all = null)) } as unknown as LiveHub;
  return { hub, emit: (installationId: string) => all?.({ id: '1', kind: 'invoice', subjectId: 'x', clientId: null, status: 'paid', at: new Date().toISOString() }, installationId) };
}

/**
 * Time the test moves by hand (on top of the real monotonic clock) — for ages only: writes are
 * timed on the real clock, so a test that moves time makes no write afterwards.
 */
function movableClock() {
  let offset = 0;
  return { now: () => performance.now() + offset, advance: (ms: number) => (offset += ms) };
}

const names = async (installationId: string) => ((await db.database.knex('installations').where({ id: installationId }).first('name')) as { name: string }).name;

async function settle(ms = 5) {
  await new Promise((r) => setTimeout(r, ms));
}

describe('read cache', () => {
  it('tells plain reads from statements that write', () => {
    expect(isPlainRead('select 1')).toBe(true);
    expect(isPlainRead('with inst as (select 1) select * from inst where updated_at > $1')).toBe(true);
    expect(isPlainRead('with moved as (update invoices set status = $1 returning id) select * from moved')).toBe(false);
    for (const sql of ['insert into t values (1)', 'update t set x = 1', 'delete from t', 'BEGIN;', 'COMMIT;', 'create table t (x int)']) expect(isPlainRead(sql)).toBe(false);
  });

  it('computes once for repeated and concurrent reads, and again after any write', async () => {
    const inst = await makeInstallation(db.database.knex, { name: 'Before' });
    const cache = createReadCache(db.database.knex, null, { writeGuardMs: 0 });
    await settle(); // past the write the factory just made
    let computed = 0;
    const read = () => cache.get(inst.id, 'name', async () => (computed++, names(inst.id)));
    const concurrent = await Promise.all([read(), read(), read()]);
    expect(concurrent).toEqual(['Before', 'Before', 'Before']);
    expect(await read()).toBe('Before');
    expect(computed).toBe(1);

    await db.database.knex('installations').where({ id: inst.id }).update({ name: 'After' });
    expect(await read()).toBe('After');
    expect(computed).toBe(2);
    cache.close();
  });

  it('does not keep a value computed while a write ran, nor let a later read join it', async () => {
    const inst = await makeInstallation(db.database.knex, { name: 'One' });
    const cache = createReadCache(db.database.knex, null, { writeGuardMs: 0 });
    await settle();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let computed = 0;
    const slow = cache.get(inst.id, 'name', async () => {
      computed++;
      const name = await names(inst.id);
      await gate; // the write lands while this computation is still running
      return name;
    });
    await settle();
    await db.database.knex.transaction(async (trx) => {
      await trx('installations').where({ id: inst.id }).update({ name: 'Two' });
    });
    // A read after the write starts its own computation instead of joining the stale one.
    const after = cache.get(inst.id, 'name', async () => (computed++, names(inst.id)));
    release();
    expect(await slow).toBe('One');
    expect(await after).toBe('Two');
    expect(await cache.get(inst.id, 'name', async () => (computed++, names(inst.id)))).toBe('Two');
    expect(computed).toBe(2);
    cache.close();
  });

  it('drops only the sessions scope for a lone write to sessions, everything for one in a transaction', async () => {
    const inst = await makeInstallation(db.database.knex, { name: 'Kept' });
    const cache = createReadCache(db.database.knex, null, { writeGuardMs: 0 });
    await settle();
    const counts = { inst: 0, sessions: 0 };
    const readInst = () => cache.get(inst.id, 'name', async () => (counts.inst++, names(inst.id)));
    const readSessions = () => cache.get('sessions', 'n', async () => (counts.sessions++, 1));
    await readInst();
    await readSessions();
    await db.database.knex('sessions').where({ id: 'no-such-session' }).update({ last_seen_at: new Date() });
    await readInst();
    await readSessions();
    expect(counts).toEqual({ inst: 1, sessions: 2 });
    await db.database.knex.transaction(async (trx) => {
      await trx('sessions').where({ id: 'no-such-session' }).delete();
    });
    await readInst();
    await readSessions();
    expect(counts).toEqual({ inst: 2, sessions: 3 });
    cache.close();
  });

  it('drops an installation’s entries when a live event arrives for it, and only its own', async () => {
    const a = await makeInstallation(db.database.knex, { name: 'A' });
    const b = await makeInstallation(db.database.knex, { name: 'B' });
    const clock = movableClock();
    clock.advance(5_000);
    const { hub, emit } = fakeHub();
    const cache = createReadCache(db.database.knex, hub, { now: clock.now });
    const counts = { a: 0, b: 0 };
    const readA = () => cache.get(a.id, 'name', async () => (counts.a++, names(a.id)));
    const readB = () => cache.get(b.id, 'name', async () => (counts.b++, names(b.id)));
    await readA();
    await readB();
    emit(a.id);
    await readA();
    await readB();
    expect(counts).toEqual({ a: 2, b: 1 });
    cache.close();
    emit(b.id); // after close: no longer listening
  });

  it('serves an old entry once while refreshing it, and never one past the maximum age', async () => {
    const inst = await makeInstallation(db.database.knex, { name: 'Old' });
    const clock = movableClock();
    clock.advance(5_000);
    const cache = createReadCache(db.database.knex, null, { now: clock.now, ttlMs: 1_000, maxAgeMs: 3_000 });
    let value = 'first';
    let computed = 0;
    const read = () => cache.get(inst.id, 'v', async () => (computed++, value));
    expect(await read()).toBe('first');
    value = 'second'; // changed where no write or event tells (another instance, say)
    clock.advance(1_500);
    expect(await read()).toBe('first'); // old, served while the refresh runs
    await settle();
    expect(await read()).toBe('second');
    expect(computed).toBe(2);
    value = 'third';
    clock.advance(3_500);
    expect(await read()).toBe('third'); // too old to serve: computed before answering
    expect(computed).toBe(3);

    // peek never computes, answers only while fresh, and past half the freshness refreshes ahead.
    expect(cache.peek(inst.id, 'v')).toBe('third');
    value = 'fourth';
    clock.advance(600);
    expect(cache.peek(inst.id, 'v')).toBe('third');
    await settle();
    expect(computed).toBe(4);
    expect(cache.peek(inst.id, 'v')).toBe('fourth');
    clock.advance(1_100);
    expect(cache.peek(inst.id, 'v')).toBeUndefined();
    expect(cache.peek(inst.id, 'never-read')).toBeUndefined();
    cache.close();
  });
});
