// Invariant 6: no cross-tenant or cross-client read or write through any route. Ids are guessed
// (taken from the other tenant directly), as an attacker who learned them would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientScope, InstallationScope } from '../../server/db/tenant-scope';
import { makeClient, makeInstallation, makeInvoice, makePortalUser, makeStaffUser } from '../support/factories';
import { Agent } from '../support/http-agent';
import { startTestApp, type TestApp } from '../support/test-app';

let app: TestApp;
const a = {} as { inst: Awaited<ReturnType<typeof makeInstallation>>; client: { id: string }; invoice: { id: string } };
const b = {} as typeof a;
let techA: Agent;
let portalX: Agent;
let clientX: { id: string };
let clientY: { id: string };
let invoiceX: { id: string };
let invoiceY: { id: string };

beforeAll(async () => {
  app = await startTestApp();
  const db = app.db.database.knex;
  a.inst = await makeInstallation(db, { name: 'MSP A' });
  b.inst = await makeInstallation(db, { name: 'MSP B' });
  a.client = await makeClient(a.inst.scope, { name: 'A Client' });
  b.client = await makeClient(b.inst.scope, { name: 'B Client' });
  a.invoice = await makeInvoice(a.inst.scope, a.client.id);
  b.invoice = await makeInvoice(b.inst.scope, b.client.id);
  clientX = await makeClient(a.inst.scope, { name: 'X Corp' });
  clientY = await makeClient(a.inst.scope, { name: 'Y Corp' });
  invoiceX = await makeInvoice(a.inst.scope, clientX.id);
  invoiceY = await makeInvoice(a.inst.scope, clientY.id);

  const tech = await makeStaffUser(a.inst.scope);
  techA = new Agent(app.url);
  expect((await techA.login('app', tech.email, tech.password)).status).toBe(200);
  const contactX = await makePortalUser(a.inst.scope, clientX.id);
  portalX = new Agent(app.url);
  expect((await portalX.login('portal', contactX.email, contactX.password)).status).toBe(200);
});
afterAll(() => app?.close());

describe('technician of installation A', () => {
  it("gets 404 for installation B's client, the same as for an id that does not exist", async () => {
    const foreign = await techA.get(`/api/app/clients/${b.client.id}`);
    const missing = await techA.get('/api/app/clients/00000000-0000-4000-8000-000000000000');
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual(missing.body);
    expect(foreign.body.error.code).toBe('CLIENT_NOT_FOUND');
  });

  it("never lists or finds installation B's clients", async () => {
    const list = await techA.get('/api/app/clients?pageSize=100');
    const ids = list.body.clients.map((c: { id: string }) => c.id);
    expect(ids).toContain(a.client.id);
    expect(ids).not.toContain(b.client.id);
    const search = await techA.get(`/api/app/clients?search=${encodeURIComponent('B Client')}`);
    expect(search.body.total).toBe(0);
  });

  it('sees its own client with invoices', async () => {
    const own = await techA.get(`/api/app/clients/${a.client.id}`);
    expect(own.status).toBe(200);
    expect(own.body.invoices.map((i: { id: string }) => i.id)).toEqual([a.invoice.id]);
  });
});

describe('portal user of client X', () => {
  it("gets 404 for client Y's invoice in the same installation", async () => {
    const res = await portalX.get(`/api/portal/invoices/${invoiceY.id}`);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('INVOICE_NOT_FOUND');
    expect((await portalX.get(`/api/portal/invoices/${b.invoice.id}`)).status).toBe(404);
  });

  it('lists only its own invoices and can open them', async () => {
    const list = await portalX.get('/api/portal/invoices?filter=all');
    expect(list.body.invoices.map((i: { id: string }) => i.id)).toEqual([invoiceX.id]);
    expect((await portalX.get(`/api/portal/invoices/${invoiceX.id}`)).status).toBe(200);
  });

  it('cannot reach the technician API with a portal session', async () => {
    expect((await portalX.get(`/api/app/clients/${clientX.id}`)).status).toBe(401);
  });
});

describe('scopes are structural', () => {
  it('a client scope refuses tables it cannot filter by client', () => {
    const scope = new ClientScope(app.db.database.knex, a.inst.id, clientX.id);
    // @ts-expect-error refunds are not reachable from a client scope, and the type says so too
    expect(() => scope.from('refunds')).toThrow(/not reachable/);
  });

  it('an installation scope refuses to write a row stamped for another installation', () => {
    const scope = new InstallationScope(app.db.database.knex, a.inst.id);
    expect(() => scope.insert('clients', { installation_id: b.inst.id, psa_ref: 'x', name: 'x' })).toThrow(/refusing/);
  });

  it('the schema refuses a row pointing into another installation', async () => {
    await expect(
      a.inst.scope.insert('invoices', {
        client_id: b.client.id,
        psa_ref: 'cross',
        number: 'X-1',
        currency: 'USD',
        total: 100,
        amount_remaining: 100,
        issued_at: '2026-11-01',
        due_date: '2026-11-30',
      }),
    ).rejects.toThrow(/foreign key/i);
  });
});
