// Live updates (GET /api/app/events, server-sent events): a payment's status change reaches the
// technician's open stream whatever wrote it (here: plain SQL, as a webhook handler's transaction
// would), only for the viewer's installation; a reconnect with Last-Event-ID replays what was
// missed; on PostgreSQL a change made by another process's connection arrives (every process polls
// live_events), and one committed after a later id was already read is still delivered, once; and graceful shutdown ends open streams instead of waiting for them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../server/db/database';
import { createLogger } from '../../server/logger';
import { startRuntime } from '../../server/runtime';
import { makeClient, makeInstallation, makeStaffUser } from '../support/factories';
import { Agent } from '../support/http-agent';
import { startTestApp, testConfig, type TestApp } from '../support/test-app';
import { usingPostgres } from '../support/test-database';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

interface Frame {
  id?: string;
  event?: string;
  data?: string;
}

/** A minimal EventSource over fetch: collects frames; `next(pred)` waits for a matching one. */
async function openStream(baseUrl: string, cookie: string, lastEventId?: string) {
  const controller = new AbortController();
  const res = await fetch(`${baseUrl}/api/app/events`, { headers: { cookie, accept: 'text/event-stream', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) }, signal: controller.signal });
  const frames: Frame[] = [];
  const waiters: Array<() => void> = [];
  let ended = false;
  const done = (async () => {
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const { value, done: finished } = await reader.read();
        if (finished) break;
        buffer += decoder.decode(value, { stream: true });
        let split;
        while ((split = buffer.indexOf('\n\n')) >= 0) {
          const raw = buffer.slice(0, split);
          buffer = buffer.slice(split + 2);
          const frame: Frame = {};
          for (const line of raw.split('\n')) {
            const [key, ...rest] = line.split(': ');
            if (key === 'id' || key === 'event' || key === 'data') frame[key] = rest.join(': ');
          }
          if (frame.event) frames.push(frame);
          waiters.splice(0).forEach((w) => w());
        }
      }
    } catch {
      // aborted
    }
    ended = true;
    waiters.splice(0).forEach((w) => w());
  })();
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    frames,
    get ended() {
      return ended;
    },
    async next(pred: (f: Frame) => boolean, timeoutMs = 10_000): Promise<Frame> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = frames.find(pred);
        if (found) return found;
        if (ended) throw new Error('stream ended');
        if (Date.now() > deadline) throw new Error(`no matching frame; got ${JSON.stringify(frames)}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 200);
        });
      }
    },
    ended$: done,
    close: () => controller.abort(),
  };
}

const change = (subjectId: string, status: string) => (f: Frame) => f.event === 'change' && JSON.parse(f.data!).subjectId === subjectId && JSON.parse(f.data!).status === status;

async function signedIn(url: string, knex = app.db.database.knex) {
  const inst = await makeInstallation(knex);
  const tech = await makeStaffUser(inst.scope);
  const agent = new Agent(url);
  await agent.login('app', tech.email, tech.password);
  const cookie = `settle_app_sid=${agent.cookie('settle_app_sid')}`;
  return { inst, agent, cookie };
}

describe('live updates (server-sent events)', () => {
  it('streams this installation’s payment changes, never another’s, and replays after Last-Event-ID', async () => {
    const { inst, cookie } = await signedIn(app.url);
    const other = await makeInstallation(app.db.database.knex);
    const client = await makeClient(inst.scope);
    const otherClient = await makeClient(other.scope);

    expect((await fetch(`${app.url}/api/app/events`)).status).toBe(401);
    const stream = await openStream(app.url, cookie);
    expect(stream.status).toBe(200);
    expect(stream.contentType).toMatch(/^text\/event-stream/);

    const [payment] = (await inst.scope.insert('payments', { client_id: client.id, source: 'portal', status: 'processing', amount: 5_000, currency: 'USD', method_type: 'us_bank_account' }).returning('id')) as Array<{ id: string }>;
    const [foreign] = (await other.scope.insert('payments', { client_id: otherClient.id, source: 'portal', status: 'processing', amount: 7_000, currency: 'USD' }).returning('id')) as Array<{ id: string }>;
    const created = await stream.next(change(payment!.id, 'processing'));
    expect(JSON.parse(created.data!)).toMatchObject({ kind: 'payment', clientId: client.id });

    // The ACH debit settles (as the webhook handler's update would): the viewer hears of it.
    await inst.scope.from('payments').where({ id: payment!.id }).update({ status: 'succeeded', succeeded_at: new Date() });
    await other.scope.from('payments').where({ id: foreign!.id }).update({ status: 'succeeded' });
    const settled = await stream.next(change(payment!.id, 'succeeded'));
    // An unrelated touch (allocations bump the version) is not an event.
    await inst.scope.from('payments').where({ id: payment!.id }).update({ reference: 'memo' });
    await inst.scope.from('payments').where({ id: payment!.id }).update({ amount_refunded: 1_000 });
    await stream.next((f) => f.event === 'change' && JSON.parse(f.data!).subjectId === payment!.id && Number(f.id) > Number(settled.id));
    stream.close();
    const mine = stream.frames.filter((f) => f.event === 'change').map((f) => JSON.parse(f.data!) as { subjectId: string });
    expect(mine.every((e) => e.subjectId === payment!.id)).toBe(true);
    expect(mine).toHaveLength(3);

    // Reconnecting after the first event replays the rest, in order, and nothing of the other tenant.
    const again = await openStream(app.url, cookie, created.id);
    await again.next(change(payment!.id, 'succeeded'));
    await again.next((f) => f.id === stream.frames.filter((x) => x.event === 'change').at(-1)!.id);
    expect(again.frames.map((f) => f.id)).toEqual(stream.frames.filter((f) => f.event === 'change').slice(1).map((f) => f.id));
    again.close();
  });

  it.skipIf(!usingPostgres())('delivers a change made through another process’s connection', async () => {
    const { inst, cookie } = await signedIn(app.url);
    const client = await makeClient(inst.scope);
    const location = app.db.location;
    if (location.kind !== 'postgres') return;
    // A second Settle process on the same database: the viewer connects to it…
    const database = await createDatabase({ kind: 'postgres', url: location.url, poolMax: 2 });
    const second = await startRuntime({ config: testConfig({ DATABASE_URL: location.url }), database, logger: createLogger({ level: 'silent' }), seed: false, cron: false, webRoot: '/nonexistent' });
    try {
      const stream = await openStream(second.url, cookie);
      // …while the first process writes the change.
      const [payment] = (await inst.scope.insert('payments', { client_id: client.id, source: 'autopay', status: 'processing', amount: 9_900, currency: 'USD' }).returning('id')) as Array<{ id: string }>;
      await inst.scope.from('payments').where({ id: payment!.id }).update({ status: 'failed', failure_code: 'insufficient_funds' });
      await stream.next(change(payment!.id, 'failed'));
      stream.close();
    } finally {
      await second.shutdown('test');
      await database.close();
    }
  });

  it.skipIf(!usingPostgres())('a change whose transaction commits after a later one is still delivered, once', async () => {
    const { inst, cookie } = await signedIn(app.url);
    const client = await makeClient(inst.scope);
    const otherClient = await makeClient(inst.scope); // the client's summary row stays locked by the slow transaction
    const stream = await openStream(app.url, cookie);
    const location = app.db.location;
    if (location.kind !== 'postgres') return;
    const database = await createDatabase({ kind: 'postgres', url: location.url, poolMax: 2 });
    try {
      // A slow transaction takes the lower live_events id and holds it…
      const slow = await database.knex.transaction();
      const [late] = (await slow('payments').insert({ installation_id: inst.id, client_id: client.id, source: 'autopay', status: 'processing', amount: 1_100, currency: 'USD' }).returning('id')) as Array<{ id: string }>;
      // …while a quick one commits a higher id, which the hub reads and moves past.
      const [quick] = (await inst.scope.insert('payments', { client_id: otherClient.id, source: 'portal', status: 'processing', amount: 2_200, currency: 'USD' }).returning('id')) as Array<{ id: string }>;
      await stream.next(change(quick!.id, 'processing'));
      await new Promise((r) => setTimeout(r, 1_200)); // two polls pass with the gap still open
      await slow.commit();
      const lateFrame = await stream.next(change(late!.id, 'processing'));
      expect(Number(lateFrame.id)).toBeLessThan(Number(stream.frames.find((f) => f.event === 'change' && JSON.parse(f.data!).subjectId === quick!.id)!.id));
      await new Promise((r) => setTimeout(r, 1_200));
      expect(stream.frames.filter((f) => f.event === 'change' && JSON.parse(f.data!).subjectId === late!.id)).toHaveLength(1);
      stream.close();
    } finally {
      await database.close();
    }
  });

  it('graceful shutdown ends open streams instead of waiting for the drain timeout', async () => {
    const own = await startTestApp({ drainTimeoutMs: 60_000 });
    try {
      const { cookie } = await signedIn(own.url, own.db.database.knex);
      const stream = await openStream(own.url, cookie);
      expect(stream.status).toBe(200);
      const started = Date.now();
      await own.runtime.shutdown('test');
      await stream.ended$;
      expect(stream.ended).toBe(true);
      expect(Date.now() - started).toBeLessThan(30_000); // far below the 60 s drain timeout
    } finally {
      await own.close();
    }
  });
});
