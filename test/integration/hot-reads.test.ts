// Hot reads ahead of Express (server/http/hot-reads.ts): a GET of the portal's invoice list or the
// technician's clients list whose session and page the read cache holds fresh is answered without
// Express — with the same body and headers Express sends — and everything else still goes through
// Express: the first read, a read after any write (a new invoice, a sign-out), a query the route
// refuses, a conditional request, another client's session.
import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttp } from '../../server/http/create-app';
import { cookieValue } from '../../server/http/hot-reads';
import { makeClient, makeInstallation, makeInvoice, makePortalUser, makeStaffUser } from '../support/factories';
import { Agent } from '../support/http-agent';
import { ROOT } from '../support/template';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { testContext } from '../support/test-app';

let db: TestDatabase;
let server: Server;
let url: string;
let answered: () => number;
let inst: Awaited<ReturnType<typeof makeInstallation>>;
let clientA: { id: string };
let clientB: { id: string };
const users: Record<string, { email: string; password: string }> = {};

/** Past the read cache's write guard: nothing computed within a second of a write is kept. */
const quiet = () => new Promise((r) => setTimeout(r, 1_100));

beforeAll(async () => {
  db = await createTestDatabase();
  const http = createHttp(testContext(db.database), { webRoot: join(ROOT, 'dist') });
  answered = () => http.hotReads.answered;
  server = createServer(http.listener);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  inst = await makeInstallation(db.database.knex);
  clientA = await makeClient(inst.scope, { name: 'Contoso' });
  clientB = await makeClient(inst.scope, { name: 'Fabrikam' });
  await makeInvoice(inst.scope, clientA.id, { number: 'A-1', total: 12_500, dueDate: '2026-01-10' });
  await makeInvoice(inst.scope, clientB.id, { number: 'B-1', total: 9_900, dueDate: '2026-01-11' });
  users.a = await makePortalUser(inst.scope, clientA.id);
  users.b = await makePortalUser(inst.scope, clientB.id);
  users.staff = await makeStaffUser(inst.scope, { role: 'technician' });
});
afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await db?.drop();
});

const stable = (headers: Headers) => Object.fromEntries([...headers].filter(([name]) => !['x-request-id', 'date', 'keep-alive', 'connection'].includes(name)));

describe('hot reads', () => {
  it('reads cookies as cookie-parser does, refusing what it would treat specially', () => {
    expect(cookieValue('a=1; settle_portal_sid=abc%2Bd; b=2', 'settle_portal_sid')).toBe('abc+d');
    expect(cookieValue('settle_portal_sid=first; settle_portal_sid=second', 'settle_portal_sid')).toBe('first');
    expect(cookieValue('settle_portal_sid="quoted"', 'settle_portal_sid')).toBeUndefined();
    expect(cookieValue('settle_portal_sid=%E0%A4%A', 'settle_portal_sid')).toBeUndefined();
    expect(cookieValue(undefined, 'settle_portal_sid')).toBeUndefined();
  });

  it('answers a cached portal list itself, byte for byte and header for header as Express did', async () => {
    const agent = new Agent(url);
    await agent.login('portal', users.a!.email, users.a!.password);
    await quiet();
    const before = answered();
    const viaExpress = await agent.get('/api/portal/invoices?filter=all');
    expect(answered()).toBe(before);
    const direct = await agent.get('/api/portal/invoices?filter=all');
    expect(answered()).toBe(before + 1);
    expect(direct.status).toBe(200);
    expect(direct.body).toEqual(viaExpress.body);
    expect(stable(direct.headers)).toEqual(stable(viaExpress.headers));
    expect(direct.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(direct.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(direct.body.invoices.map((i: { number: string }) => i.number)).toEqual(['A-1']);

    // Conditional requests and queries the route refuses are Express's.
    // (fetch adds Cache-Control: no-cache to conditional requests, which rules out a 304: plain node:http.)
    const conditional = await new Promise<number>((resolve, reject) => {
      const headers = { cookie: `settle_portal_sid=${agent.cookie('settle_portal_sid')}`, 'if-none-match': direct.headers.get('etag')! };
      get(`${url}/api/portal/invoices?filter=all`, { headers }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on('error', reject);
    });
    expect(conditional).toBe(304);
    const refused = await agent.get('/api/portal/invoices?filter=everything');
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('VALIDATION_FAILED');
    expect(answered()).toBe(before + 1);
  });

  it('goes to Express after a write, so a new invoice shows at once', async () => {
    const agent = new Agent(url);
    await agent.login('portal', users.a!.email, users.a!.password);
    await quiet();
    await agent.get('/api/portal/invoices?filter=all');
    await makeInvoice(inst.scope, clientA.id, { number: 'A-2', total: 4_000, dueDate: '2026-02-01' });
    const before = answered();
    const after = await agent.get('/api/portal/invoices?filter=all');
    expect(answered()).toBe(before);
    expect(after.body.invoices.map((i: { number: string }) => i.number).sort()).toEqual(['A-1', 'A-2']);
  });

  it('never serves one client’s cached list to another, nor a session after sign-out', async () => {
    const a = new Agent(url);
    const b = new Agent(url);
    await a.login('portal', users.a!.email, users.a!.password);
    await b.login('portal', users.b!.email, users.b!.password);
    await quiet();
    await a.get('/api/portal/invoices?filter=all');
    await b.get('/api/portal/invoices?filter=all');
    const before = answered();
    const listA = await a.get('/api/portal/invoices?filter=all');
    const listB = await b.get('/api/portal/invoices?filter=all');
    expect(answered()).toBe(before + 2);
    expect(listA.body.invoices.every((i: { number: string }) => i.number.startsWith('A-'))).toBe(true);
    expect(listB.body.invoices.map((i: { number: string }) => i.number)).toEqual(['B-1']);

    const token = a.cookie('settle_portal_sid');
    expect(token).toBeTruthy();
    expect((await a.post('/api/portal/logout')).status).toBeLessThan(300);
    const signedOut = await new Agent(url).request('GET', '/api/portal/invoices?filter=all', { headers: { cookie: `settle_portal_sid=${token}` } });
    expect(signedOut.status).toBe(401);
    expect(answered()).toBe(before + 2);
  });

  it('answers the technician’s cached clients list too, and not with a portal session', async () => {
    const staff = new Agent(url);
    await staff.login('app', users.staff!.email, users.staff!.password);
    const portal = new Agent(url);
    await portal.login('portal', users.b!.email, users.b!.password);
    await quiet();
    const first = await staff.get('/api/app/clients?search=contoso');
    const before = answered();
    const second = await staff.get('/api/app/clients?search=contoso');
    expect(answered()).toBe(before + 1);
    expect(second.body).toEqual(first.body);
    expect(second.body.clients.map((c: { name: string }) => c.name)).toEqual(['Contoso']);
    expect((await portal.get('/api/app/clients?search=contoso')).status).toBe(401);
  });
});
