// The technician's clients list: search by name, email, PSA ref and Stripe customer id; filters
// (mapping, autopay, latest payment failed, awaiting verification, balance due / overdue); sorts;
// paging with the total in the same answer; summaries kept current by the database whatever code
// path changes an invoice or a payment; another installation's clients never appear; bad input 400.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../server/clock';
import { makeClient, makeInstallation, makeInvoice, makeStaffUser } from '../support/factories';
import { Agent } from '../support/http-agent';
import { startTestApp, type TestApp } from '../support/test-app';

let app: TestApp;
const clock = new ManualClock(new Date('2026-12-10T15:00:00Z')); // 10:00 in New York

beforeAll(async () => {
  app = await startTestApp({ clock });
});
afterAll(() => app?.close());

type Row = { name: string; openBalance: number; overdueBalance: number; latestPaymentFailed: boolean; awaitingVerificationCount: number; oldestDueDate: string | null; lastPaidAt: string | null };

describe('clients list (technician)', () => {
  it('searches, filters, sorts and pages on the server', async () => {
    const knex = app.db.database.knex;
    const inst = await makeInstallation(knex);
    const other = await makeInstallation(knex);
    await makeClient(other.scope, { name: 'Acme Other Tenant' });
    const tech = await makeStaffUser(inst.scope, { role: 'technician' });
    const acme = await makeClient(inst.scope, { name: 'Acme Dental' });
    const bolt = await makeClient(inst.scope, { name: 'Bolt Legal' });
    const cedar = await makeClient(inst.scope, { name: 'Cedar 100% Labs' });
    const delta = await makeClient(inst.scope, { name: 'delta logistics' });
    await inst.scope.from('clients').where({ id: acme.id }).update({ stripe_customer_id: 'cus_ACME42', mapping_status: 'mapped', autopay_enabled: true, email: 'ap@acme.example', psa_ref: 'PSA-ACME' });
    await inst.scope.from('clients').where({ id: bolt.id }).update({ mapping_status: 'ignored' });

    await makeInvoice(inst.scope, acme.id, { total: 50_000, dueDate: '2026-12-01' }); // overdue
    await makeInvoice(inst.scope, acme.id, { total: 10_000, dueDate: '2026-12-20' });
    await makeInvoice(inst.scope, bolt.id, { total: 20_000, dueDate: '2026-12-15' });
    await makeInvoice(inst.scope, cedar.id, { total: 5_000, dueDate: '2026-11-01', status: 'paid' });
    await inst.scope.insert('payments', { client_id: bolt.id, source: 'autopay', status: 'failed', amount: 20_000, currency: 'USD', failure_code: 'card_declined', created_at: new Date('2026-12-09T10:00:00Z') });
    await inst.scope.insert('payments', { client_id: cedar.id, source: 'portal', status: 'failed', amount: 5_000, currency: 'USD', created_at: new Date('2026-11-01T10:00:00Z') });
    await inst.scope.insert('payments', { client_id: cedar.id, source: 'portal', status: 'succeeded', amount: 5_000, currency: 'USD', succeeded_at: new Date('2026-11-02T10:00:00Z'), created_at: new Date('2026-11-02T10:00:00Z') });
    await inst.scope.insert('payment_methods', { client_id: delta.id, type: 'us_bank_account', status: 'pending_verification', microdeposit_type: 'amounts', added_by_kind: 'client' });

    const agent = new Agent(app.url);
    expect((await agent.login('app', tech.email, tech.password)).status).toBe(200);
    const list = async (query = '') => {
      const res = await agent.get(`/api/app/clients${query ? `?${query}` : ''}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body as { clients: Row[]; total: number; page: number; sort: string; order: string };
    };
    const names = async (query = '') => (await list(query)).clients.map((c) => c.name);

    const all = await list();
    expect(all.total).toBe(4);
    expect(all.clients.map((c) => c.name)).toEqual(['Acme Dental', 'Bolt Legal', 'Cedar 100% Labs', 'delta logistics']);
    const acmeRow = all.clients[0]!;
    expect(acmeRow).toMatchObject({ openBalance: 60_000, overdueBalance: 50_000, oldestDueDate: '2026-12-01', latestPaymentFailed: false });
    expect(all.clients[1]).toMatchObject({ openBalance: 20_000, overdueBalance: 0, latestPaymentFailed: true });
    expect(all.clients[2]).toMatchObject({ openBalance: 0, latestPaymentFailed: false, lastPaidAt: '2026-11-02T10:00:00.000Z' });
    expect(all.clients[3]!.awaitingVerificationCount).toBe(1);

    // Search: name (any case), email, PSA ref, Stripe customer id; wildcards are literal.
    expect(await names('search=ACME')).toEqual(['Acme Dental']);
    expect(await names('search=ap%40acme')).toEqual(['Acme Dental']);
    expect(await names('search=psa-acme')).toEqual(['Acme Dental']);
    expect(await names('search=cus_ACME42')).toEqual(['Acme Dental']);
    expect(await names('search=100%25')).toEqual(['Cedar 100% Labs']);
    expect(await names('search=0%25')).toEqual(['Cedar 100% Labs']);
    expect(await names('search=l_gal')).toEqual([]); // `_` is not a wildcard (else: Bolt Legal)
    expect(await names('search=s_a')).toEqual(['Acme Dental']); // …but a character (cus_ACME42)

    // Filters.
    expect(await names('mapping=ignored')).toEqual(['Bolt Legal']);
    expect(await names('autopay=on')).toEqual(['Acme Dental']);
    expect(await names('autopay=off')).toEqual(['Bolt Legal', 'Cedar 100% Labs', 'delta logistics']);
    expect(await names('failed=true')).toEqual(['Bolt Legal']); // Cedar's failure was followed by a success
    expect(await names('verification=awaiting')).toEqual(['delta logistics']);
    expect(await names('balance=due')).toEqual(['Acme Dental', 'Bolt Legal']);
    expect(await names('balance=overdue')).toEqual(['Acme Dental']);
    expect((await list('balance=due&search=bolt')).total).toBe(1);

    // Sorts (with their natural direction) and the reverse.
    expect(await names('sort=balance')).toEqual(['Acme Dental', 'Bolt Legal', 'Cedar 100% Labs', 'delta logistics']);
    expect(await names('sort=balance&order=asc')).toEqual(['Cedar 100% Labs', 'delta logistics', 'Bolt Legal', 'Acme Dental']);
    expect(await names('sort=oldest_overdue')).toEqual(['Acme Dental', 'Bolt Legal', 'Cedar 100% Labs', 'delta logistics']);
    expect((await names('sort=last_payment'))[0]).toBe('Cedar 100% Labs');
    expect(await names('order=desc')).toEqual(['delta logistics', 'Cedar 100% Labs', 'Bolt Legal', 'Acme Dental']);

    // Paging: the total comes with every page, also past the end.
    const page2 = await list('pageSize=3&page=2');
    expect(page2.clients.map((c) => c.name)).toEqual(['delta logistics']);
    expect(page2.total).toBe(4);
    const beyond = await list('pageSize=3&page=9');
    expect(beyond.clients).toEqual([]);
    expect(beyond.total).toBe(4);

    // The summary follows changes made anywhere (here: straight SQL, as a webhook handler would).
    await inst.scope.from('invoices').where({ client_id: bolt.id }).update({ status: 'paid', amount_paid: 20_000, amount_remaining: 0 });
    await inst.scope.insert('payments', { client_id: bolt.id, source: 'portal', status: 'succeeded', amount: 20_000, currency: 'USD', succeeded_at: clock.now(), created_at: clock.now() });
    expect(await names('balance=due')).toEqual(['Acme Dental']);
    expect(await names('failed=true')).toEqual([]);
    // Overdue follows the clock in the MSP's timezone: at 01:00 on Dec 21 in New York (06:00 UTC) the
    // invoice due Dec 20 is overdue too.
    clock.set(new Date('2026-12-21T06:00:00Z'));
    await agent.login('app', tech.email, tech.password); // eleven days idle ended the session
    expect((await list('search=acme')).clients[0]!.overdueBalance).toBe(60_000);
  });

  it('refuses bad input with 400 and answers other tenants’ clients with 404', async () => {
    const knex = app.db.database.knex;
    const inst = await makeInstallation(knex);
    const other = await makeInstallation(knex);
    const foreign = await makeClient(other.scope);
    const tech = await makeStaffUser(inst.scope);
    const agent = new Agent(app.url);
    await agent.login('app', tech.email, tech.password);
    for (const bad of ['sort=cheapest', 'mapping=maybe', 'failed=yes', 'pageSize=500', 'page=0', 'colour=red', 'balance=huge']) {
      const res = await agent.get(`/api/app/clients?${bad}`);
      expect(res.status, bad).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    expect((await agent.get(`/api/app/clients/${foreign.id}`)).status).toBe(404);
    expect((await agent.get('/api/app/clients')).body.total).toBe(0);
    expect((await new Agent(app.url).get('/api/app/clients')).status).toBe(401);
  });
});
