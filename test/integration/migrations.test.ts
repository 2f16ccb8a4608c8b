// Migrations run up → down → up on the database under test (PGlite, or PostgreSQL with
// DATABASE_URL), and the schema's unique constraints hold the invariants they are there for.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateLatest, migrateRollbackAll, migrationStatus } from '../../server/db/migrate';
import { migrations } from '../../migrations/index';
import { makeClient, makeInstallation, makeInvoice } from '../support/factories';
import { ROOT } from '../support/template';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await createTestDatabase();
});
afterAll(() => tdb?.drop());

const tables = async () =>
  (
    (await tdb.database.knex('information_schema.tables').where({ table_schema: 'public' }).pluck('table_name')) as string[]
  ).filter((t) => !t.startsWith('knex_'));

describe('migrations', () => {
  it('lists every migration file in migrations/index.ts', () => {
    const files = readdirSync(join(ROOT, 'migrations'))
      .filter((f) => /^\d{14}_.+\.ts$/.test(f))
      .map((f) => f.replace(/\.ts$/, ''));
    expect(Object.keys(migrations).sort()).toEqual(files.sort());
  });

  it('goes up, all the way down, and up again', async () => {
    const knex = tdb.database.knex;
    expect((await migrationStatus(knex)).pending).toEqual([]);
    const full = await tables();
    expect(full).toEqual(
      expect.arrayContaining([
        'installations', 'stripe_connections', 'staff_users', 'portal_users', 'sessions', 'clients', 'invoices',
        'payment_methods', 'payments', 'allocations', 'client_credits', 'charge_attempts', 'refunds', 'disputes',
        'stripe_events', 'outbox', 'audit_log',
      ]),
    );
    await migrateRollbackAll(knex);
    expect(await tables()).toEqual([]);
    await migrateLatest(knex);
    expect((await tables()).sort()).toEqual(full.sort());
  });

  it('puts installation_id on every tenant-owned table', async () => {
    const global = new Set(['installations', 'login_attempts', 'marketplace_nonces', 'rate_limits']);
    const withColumn = (await tdb.database
      .knex('information_schema.columns')
      .where({ table_schema: 'public', column_name: 'installation_id' })
      .pluck('table_name')) as string[];
    for (const t of await tables()) if (!global.has(t)) expect(withColumn, t).toContain(t);
  });
});

describe('schema invariants', () => {
  it('one Stripe event id per installation', async () => {
    const inst = await makeInstallation(tdb.database.knex);
    const event = { stripe_event_id: 'evt_1', type: 'payment_intent.succeeded', livemode: false, payload: '{}', stripe_created_at: new Date() };
    await inst.scope.insert('stripe_events', event);
    await expect(inst.scope.insert('stripe_events', event)).rejects.toThrow(/unique|duplicate/i);
  });

  it('one PSA ref per installation, but the same ref in two installations is fine', async () => {
    const one = await makeInstallation(tdb.database.knex);
    const two = await makeInstallation(tdb.database.knex);
    await one.scope.insert('clients', { psa_ref: 'C-1', name: 'A' });
    await two.scope.insert('clients', { psa_ref: 'C-1', name: 'A' });
    await expect(one.scope.insert('clients', { psa_ref: 'C-1', name: 'B' })).rejects.toThrow(/unique|duplicate/i);
  });

  it('one charge attempt per invoice and attempt number, and one in flight per invoice', async () => {
    const inst = await makeInstallation(tdb.database.knex);
    const client = await makeClient(inst.scope);
    const invoice = await makeInvoice(inst.scope, client.id);
    const attempt = (n: number, status: string) => ({
      invoice_id: invoice.id, client_id: client.id, attempt_no: n, scheduled_for: new Date(),
      idempotency_key: `autopay:${invoice.id}:${n}:${status}`, amount: 100, currency: 'USD', status,
    });
    await inst.scope.insert('charge_attempts', attempt(1, 'failed'));
    await expect(inst.scope.insert('charge_attempts', attempt(1, 'pending'))).rejects.toThrow(/unique|duplicate/i);
    await inst.scope.insert('charge_attempts', attempt(2, 'in_flight'));
    await expect(inst.scope.insert('charge_attempts', attempt(3, 'pending'))).rejects.toThrow(/unique|duplicate/i);
  });

  it('refuses fractional or negative money, unknown statuses and rewriting the audit log', async () => {
    const inst = await makeInstallation(tdb.database.knex);
    const client = await makeClient(inst.scope);
    await expect(makeInvoice(inst.scope, client.id, { total: 10.5 })).rejects.toThrow();
    await expect(makeInvoice(inst.scope, client.id, { total: -1 })).rejects.toThrow(/check/i);
    await expect(makeInvoice(inst.scope, client.id, { status: 'kinda_paid' })).rejects.toThrow(/check/i);
    await inst.scope.insert('audit_log', { actor_type: 'system', action: 'test' });
    await expect(inst.scope.from('audit_log').update({ action: 'rewritten' })).rejects.toThrow(/append-only/);
    await expect(inst.scope.from('audit_log').delete()).rejects.toThrow(/append-only/);
  });
});
