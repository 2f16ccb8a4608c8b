// client_summaries stay exact while their triggers skip the statements that change nothing a
// summary shows (migration 17): after a random sequence of multi-row inserts, updates and deletes on
// clients, invoices, payments and payment methods — some touching summary columns, some not, some
// moving rows between clients — every summary equals what a full recomputation gives.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeClient, makeInstallation, makeInvoice } from '../support/factories';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await createTestDatabase();
});
afterAll(() => tdb?.drop());

/** A small deterministic generator (mulberry32), so a failure replays. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('client summaries', () => {
  it('equal a full recomputation after any mix of relevant and irrelevant changes', async () => {
    const knex = tdb.database.knex;
    const inst = await makeInstallation(knex);
    const scope = inst.scope;
    const clients = await Promise.all(Array.from({ length: 6 }, () => makeClient(scope)));
    const ids = clients.map((c) => c.id);
    for (const c of ids) for (let i = 0; i < 3; i++) await makeInvoice(scope, c, { total: 1_000 * (i + 1), dueDate: `2026-12-0${i + 1}` });
    const rnd = random(17);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const some = async (table: 'payments' | 'invoices' | 'payment_methods') => ((await scope.from(table).pluck('id')) as string[]).filter(() => rnd() < 0.4);
    const at = () => new Date(Date.UTC(2026, 11, 1 + Math.floor(rnd() * 9), Math.floor(rnd() * 24)));

    const snapshot = async () =>
      (await knex('client_summaries').where({ installation_id: inst.id }).orderBy('client_id').select()).map((r: Record<string, unknown>) => {
        const { updated_at: _ignored, ...rest } = r;
        return rest;
      });

    const ops: Array<() => Promise<unknown>> = [
      // Payments: new ones, status moves, irrelevant columns, a move to another client, deletes.
      () => scope.insert('payments', { client_id: pick(ids), source: pick(['portal', 'autopay']), status: pick(['pending', 'succeeded', 'failed', 'canceled']), amount: 500, currency: 'USD', created_at: at() }),
      async () => scope.from('payments').whereIn('id', await some('payments')).update({ status: pick(['processing', 'succeeded', 'failed', 'canceled']) }),
      async () => scope.from('payments').whereIn('id', await some('payments')).update({ succeeded_at: rnd() < 0.2 ? null : at() }),
      async () => scope.from('payments').whereIn('id', await some('payments')).update({ reconciled_at: at(), failure_message: 'x' }),
      async () => scope.from('payments').whereIn('id', await some('payments')).update({ version: knex.raw('version') }),
      async () => scope.from('payments').whereIn('id', await some('payments')).update({ client_id: pick(ids) }),
      async () => scope.from('payments').whereIn('id', await some('payments')).update({ created_at: at() }),
      async () => scope.from('payments').whereIn('id', (await some('payments')).slice(0, 1)).delete(),
      // Invoices: money, status, due date, client, and columns the summary ignores.
      async () => scope.from('invoices').whereIn('id', await some('invoices')).update({ amount_remaining: Math.floor(rnd() * 3_000), status: pick(['open', 'partially_paid', 'processing', 'paid', 'void']) }),
      async () => scope.from('invoices').whereIn('id', await some('invoices')).update({ due_date: `2026-12-0${1 + Math.floor(rnd() * 9)}` }),
      async () => scope.from('invoices').whereIn('id', await some('invoices')).update({ number: knex.raw("number || 'x'") }),
      async () => scope.from('invoices').whereIn('id', await some('invoices')).update({ client_id: pick(ids) }),
      async () => makeInvoice(scope, pick(ids), { total: 700, dueDate: '2026-12-05' }),
      // Clients: every searched or filtered column, and one the summary ignores.
      async () => scope.from('clients').whereIn('id', ids.filter(() => rnd() < 0.5)).update({ name: `Client ${Math.floor(rnd() * 100)}`, email: rnd() < 0.5 ? null : 'a@b.example' }),
      async () => scope.from('clients').whereIn('id', ids.filter(() => rnd() < 0.5)).update({ autopay_enabled: rnd() < 0.5, mapping_status: pick(['mapped', 'unmapped', 'ignored']) }),
      async () => scope.from('clients').whereIn('id', ids.filter(() => rnd() < 0.5)).update({ stripe_customer_id: knex.raw("'cus_' || substr(md5(id::text || ?), 1, 10)", [String(rnd())]) }),
      async () => scope.from('clients').whereIn('id', ids.filter(() => rnd() < 0.5)).update({ updated_at: at() }),
      // Payment methods: bank accounts waiting for micro-deposits, verified, moved.
      () => scope.insert('payment_methods', { client_id: pick(ids), type: 'us_bank_account', status: 'pending_verification', microdeposit_type: pick(['amounts', 'descriptor_code', null]), added_by_kind: 'client' }),
      async () => scope.from('payment_methods').whereIn('id', await some('payment_methods')).update({ status: pick(['active', 'pending_verification', 'detached']) }),
      async () => scope.from('payment_methods').whereIn('id', await some('payment_methods')).update({ client_id: pick(ids) }),
      async () => scope.from('payment_methods').whereIn('id', await some('payment_methods')).update({ last4: '1234' }),
    ];

    for (let step = 0; step < 150; step++) {
      const op = Math.floor(rnd() * ops.length);
      await ops[op]!();
      const kept = await snapshot();
      // Recompute every summary from scratch: the triggers must already have said the same.
      await knex.raw('select client_summaries_refresh(array(select id from clients where installation_id = ?))', [inst.id]);
      expect(await snapshot(), `after step ${step} (op ${op})`).toEqual(kept);
    }
    expect((await snapshot()).length).toBe(6);
  });

  it('skip the refresh when no summary column changed', async () => {
    const knex = tdb.database.knex;
    const inst = await makeInstallation(knex);
    const client = await makeClient(inst.scope);
    const invoice = await makeInvoice(inst.scope, client.id, { total: 4_000 });
    const updatedAt = async () => ((await knex('client_summaries').where({ client_id: client.id }).first('updated_at')) as { updated_at: Date }).updated_at.getTime();
    const before = await updatedAt();
    await inst.scope.from('invoices').where({ id: invoice.id }).update({ number: 'RENAMED' });
    await inst.scope.from('clients').where({ id: client.id }).update({ updated_at: new Date() });
    expect(await updatedAt()).toBe(before);
    await inst.scope.from('invoices').where({ id: invoice.id }).update({ amount_remaining: 1_000, status: 'partially_paid' });
    expect(await updatedAt()).toBeGreaterThan(before);
    expect(Number(((await knex('client_summaries').where({ client_id: client.id }).first('open_balance')) as { open_balance: string | number }).open_balance)).toBe(1_000);
  });
});
