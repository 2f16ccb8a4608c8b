// GET /api/psa/payments?since=: every payment change exactly once, in order, across pages; payments
// changed together (ties) are neither skipped nor repeated; allocation changes count as payment
// changes; a transaction still running holds the feed back rather than being skipped.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '../../server/db/database';
import { InstallationScope } from '../../server/db/tenant-scope';
import { makeClient, makeInstallation, makeInvoice } from '../support/factories';
import { allocate, makeApiKey, makePayment, PsaClient } from '../support/psa-fixtures';
import { startTestApp, type TestApp } from '../support/test-app';
import { usingPostgres } from '../support/test-database';

let app: TestApp;
let inst: Awaited<ReturnType<typeof makeInstallation>>;
let psa: PsaClient;
let clientId: string;

beforeAll(async () => {
  app = await startTestApp();
  inst = await makeInstallation(app.db.database.knex);
  psa = new PsaClient(app.url, await makeApiKey(inst.scope));
  clientId = (await makeClient(inst.scope)).id;
});
afterAll(() => app?.close());

/**
 * Waits until every transaction that committed before now is behind the feed's horizon. The horizon
 * is server-wide on PostgreSQL, so a write transaction of another test file (another database on the
 * same server) can hold it for a few milliseconds; the feed must then delay, never skip.
 */
async function feedCaughtUp(): Promise<void> {
  const knex = app.db.database.knex;
  const marker = ((await knex.raw('select pg_current_xact_id()::text::bigint as x')) as { rows: Array<{ x: number }> }).rows[0]!.x;
  for (let i = 0; i < 200; i++) {
    const { rows } = (await knex.raw('select pg_snapshot_xmin(pg_current_snapshot())::text::bigint as h')) as { rows: Array<{ h: number }> };
    if (rows[0]!.h > marker) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('the transaction horizon did not advance in 5 s');
}

/** Reads the feed to the end from `since`, `limit` at a time; returns the ids seen and the last cursor. */
async function drain(since: string | null, limit: number): Promise<{ seen: Array<{ id: string; version: number }>; cursor: string | null; pages: number }> {
  await feedCaughtUp();
  const seen: Array<{ id: string; version: number }> = [];
  let cursor = since;
  let pages = 0;
  for (;;) {
    const res = await psa.get(`/api/psa/payments?limit=${limit}${cursor ? `&since=${encodeURIComponent(cursor)}` : ''}`);
    expect(res.status).toBe(200);
    pages += 1;
    seen.push(...res.body.payments.map((p: any) => ({ id: p.id, version: p.version })));
    cursor = res.body.nextCursor;
    if (!res.body.hasMore) return { seen, cursor, pages };
  }
}

describe('GET /api/psa/payments', () => {
  let cursor: string | null = null;
  const ids: string[] = [];

  it('pages through payments created together (one transaction: a tie) without skipping or repeating', async () => {
    await inst.scope.transaction(async (trx) => {
      for (let i = 0; i < 5; i++) ids.push(await makePayment(trx, clientId, 1_000 + i));
    });
    ids.push(await makePayment(inst.scope, clientId, 2_000));
    const { seen, cursor: next, pages } = await drain(null, 2);
    expect(pages).toBe(3);
    expect(seen.map((s) => s.id).sort()).toEqual([...ids].sort());
    expect(new Set(seen.map((s) => s.id)).size).toBe(6);
    expect(seen[seen.length - 1]!.id).toBe(ids[5]); // the later transaction comes last
    cursor = next;
    const empty = await psa.get(`/api/psa/payments?since=${cursor}`);
    expect(empty.body).toEqual({ payments: [], nextCursor: cursor, hasMore: false });
  });

  it('returns a payment again after it changes, with a higher version and its allocations', async () => {
    const invoice = await makeInvoice(inst.scope, clientId, { total: 1_000 });
    await allocate(inst.scope, ids[0]!, invoice.id, 1_000);
    await inst.scope.from('payments').where({ id: ids[1] }).update({ status: 'failed', failure_code: 'card_declined' });
    await feedCaughtUp();
    const res = await psa.get(`/api/psa/payments?since=${cursor}`);
    expect(res.body.payments.map((p: any) => p.id)).toEqual([ids[0], ids[1]]);
    const [allocated, failed] = res.body.payments;
    expect(allocated.version).toBe(2);
    expect(allocated.allocations).toEqual([
      expect.objectContaining({ invoiceId: invoice.id, invoiceNumber: invoice.number, amount: 1_000, currency: 'USD', reversedAt: null }),
    ]);
    expect(failed).toMatchObject({ status: 'failed', failureCode: 'card_declined', version: 2, clientId, amount: 1_001, currency: 'USD' });
    cursor = res.body.nextCursor;

    await inst.scope.from('allocations').where({ payment_id: ids[0] }).update({ reversed_at: new Date() });
    await feedCaughtUp();
    const reversed = await psa.get(`/api/psa/payments?since=${cursor}`);
    expect(reversed.body.payments).toHaveLength(1);
    expect(reversed.body.payments[0].version).toBe(3);
    expect(reversed.body.payments[0].allocations[0].reversedAt).not.toBeNull();
  });

  it('refuses a cursor it did not issue and a bad limit', async () => {
    for (const bad of ['nope', Buffer.from('{"v":1,"t":-1,"i":"x"}').toString('base64url')]) {
      const res = await psa.get(`/api/psa/payments?since=${bad}`);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('PSA_CURSOR_INVALID');
    }
    expect((await psa.get('/api/psa/payments?limit=0')).body.error.code).toBe('VALIDATION_FAILED');
    expect((await psa.get('/api/psa/payments?limit=501')).status).toBe(400);
  });

  it("never shows another installation's payments", async () => {
    const other = await makeInstallation(app.db.database.knex);
    const otherPsa = new PsaClient(app.url, await makeApiKey(other.scope));
    const res = await otherPsa.get('/api/psa/payments');
    expect(res.body.payments).toEqual([]);
  });

  it.runIf(usingPostgres())('holds back changes behind a transaction still running, then returns both (none skipped)', { timeout: 90_000 }, async () => {
    const url = (app.db.location as { url: string }).url;
    const second: Database = await createDatabase({ kind: 'postgres', url, poolMax: 2 });
    try {
      // The fast change is another client's: changes of one client queue behind each other (its
      // summary row), which would make the fast one wait for the slow one instead of overtaking it.
      const fastId = await makePayment(inst.scope, (await makeClient(inst.scope)).id, 3_000);
      const start = (await drain(null, 500)).cursor;
      const slow = await second.knex.transaction();
      await new InstallationScope(slow, inst.id).from('payments').where({ id: ids[2] }).update({ reference: 'slow' });
      await inst.scope.from('payments').where({ id: fastId }).update({ reference: 'fast' });
      const during = await psa.get(`/api/psa/payments?since=${start}`);
      expect(during.body.payments).toEqual([]); // the fast change is newer than a running transaction
      await slow.commit();
      // The visibility horizon is the oldest transaction running anywhere on the PostgreSQL server
      // (other test files run next to this one), so the feed may lag a moment: it must catch up,
      // in order, with nothing skipped.
      let after = await drain(start, 500);
      for (let i = 0; i < 120 && after.seen.length < 2; i++) {
        await new Promise((r) => setTimeout(r, 250));
        after = await drain(start, 500);
      }
      expect(after.seen.map((s) => s.id)).toEqual([ids[2], fastId]);
    } finally {
      await second.close();
    }
  });
});
