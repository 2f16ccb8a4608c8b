// The mapping import end to end: real server, real database, the Stripe emulator through the SDK.
// It lists every customer 100 at a time, computes explainable suggestions, resumes after a crash
// (a Stripe failure, or a worker that simply died) without duplicates, and is safe to re-run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../server/clock';
import type { InstallationScope } from '../../server/db/tenant-scope';
import { mappingImportJob } from '../../server/mapping/mapping-import-job';
import { runMappingImport } from '../../server/mapping/run-mapping-import';
import { Agent } from '../support/http-agent';
import { makeInstallation, makeStaffUser } from '../support/factories';
import { connectStripe, createCustomers, waitUntil } from '../support/mapping';
import { startTestApp, testContext, type TestApp } from '../support/test-app';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp({ stripeEmulator: true });
});
afterAll(async () => {
  await app?.close();
});

async function adminAgent(scope: InstallationScope, base = app.url): Promise<Agent> {
  const user = await makeStaffUser(scope, { role: 'admin' });
  const agent = new Agent(base);
  expect((await agent.login('app', user.email, user.password)).status).toBe(200);
  return agent;
}

async function setup(customers: number) {
  const inst = await makeInstallation(app.db.database.knex);
  const { stripe } = await connectStripe(app.runtime.ctx, inst.scope);
  const created = await createCustomers(stripe, Array.from({ length: customers }, (_, i) => ({ name: `Customer ${i} Holdings`, email: `billing${i}@customer${i}.example` })));
  return { inst, stripe, created, agent: await adminAgent(inst.scope) };
}

const progress = (agent: Agent) => agent.get('/api/app/mapping/import').then((r) => r.body as { run: { id: string; status: string; customersFetched: number; listCalls: number; stale: boolean; error: string | null } | null });
const untilDone = (agent: Agent) => waitUntil(() => progress(agent), (p) => p.run?.status === 'done' || p.run?.status === 'failed');
const cacheRows = (scope: InstallationScope) => scope.from('stripe_customer_cache').count({ n: '*' }).first().then((r) => Number((r as { n: unknown }).n));

describe('mapping import', () => {
  it('fetches every customer in ceil(N/100) list calls and suggests matches with reasons', async () => {
    const inst = await makeInstallation(app.db.database.knex);
    const { stripe } = await connectStripe(app.runtime.ctx, inst.scope);
    const filler = Array.from({ length: 247 }, (_, i) => ({ name: `Filler ${i} Studio`, email: `f${i}@filler${i}.example` }));
    const [exact, domain, named, , taken] = await createCustomers(stripe, [
      { name: 'CDG Billing', email: 'AP@contoso-dental.example' },
      { name: 'Accounts Payable', email: 'accounts@fabrikam.example' },
      { name: 'Café Müller GmbH', email: 'hallo@gmail.com' },
      { name: 'Unrelated Person', email: 'someone@gmail.com' },
      { name: 'Tailspin Toys', email: 'ap@tailspin.example' },
      ...filler,
    ]);
    const [contoso] = (await inst.scope.insert('clients', { psa_ref: 'C-1', name: 'Contoso Dental Group', email: 'ap@contoso-dental.example' }).returning('id')) as Array<{ id: string }>;
    const [fabrikam] = (await inst.scope.insert('clients', { psa_ref: 'C-2', name: 'Fabrikam Inc', email: 'owner@fabrikam.example' }).returning('id')) as Array<{ id: string }>;
    const [cafe] = (await inst.scope.insert('clients', { psa_ref: 'C-3', name: 'Cafe Muller', email: null }).returning('id')) as Array<{ id: string }>;
    const [tailspinTwin] = (await inst.scope.insert('clients', { psa_ref: 'C-4', name: 'Tailspin Toys (old)', email: 'ap@tailspin.example' }).returning('id')) as Array<{ id: string }>;
    await inst.scope.insert('clients', { psa_ref: 'C-5', name: 'Tailspin Toys', email: 'ap@tailspin.example', stripe_customer_id: taken!.id, mapping_status: 'mapped' });
    const agent = await adminAgent(inst.scope);

    const started = await agent.post('/api/app/mapping/import', {});
    expect(started.status).toBe(202);
    expect(started.body.run.status).toMatch(/queued|fetching|suggesting|done/);
    const done = await untilDone(agent);
    expect(done.run).toMatchObject({ status: 'done', customersFetched: 252, listCalls: 3, error: null });

    const list = await agent.get('/api/app/mapping/clients?status=unmapped&pageSize=100');
    expect(list.status).toBe(200);
    const byId = new Map((list.body.clients as Array<{ id: string; suggestion: { customerId: string; confidence: number; reason: string } | null }>).map((c) => [c.id, c]));
    expect(byId.get(contoso!.id)!.suggestion).toMatchObject({ customerId: exact!.id, reason: expect.stringContaining('Same email ap@contoso-dental.example') });
    expect(byId.get(contoso!.id)!.suggestion!.confidence).toBeGreaterThanOrEqual(0.95);
    expect(byId.get(fabrikam!.id)!.suggestion).toMatchObject({ customerId: domain!.id, reason: expect.stringContaining('Same email domain fabrikam.example') });
    expect(byId.get(cafe!.id)!.suggestion).toMatchObject({ customerId: named!.id, reason: expect.stringMatching(/Company name 100% similar: 'Cafe Muller' ≈ 'Café Müller GmbH'/) });
    // The one customer on tailspin.example is mapped to another client: never suggested.
    expect(byId.get(tailspinTwin!.id)!.suggestion).toBeNull();
    expect(list.body.counts).toEqual({ unmapped: 4, mapped: 1, ignored: 0 });
  });

  it('resumes after Stripe fails mid-listing, from its cursor, without duplicates', async () => {
    const { inst, created, agent } = await setup(350);
    const ctx = testContext(app.db.database, { emulator: app.emulator!, clock: app.clock });
    const [run] = (await inst.scope.insert('mapping_runs', { status: 'queued' }).returning('id')) as Array<{ id: string }>;
    const failing = runMappingImport(ctx, { installationId: inst.id, runId: run!.id }, {
      afterPage: ({ page }) => {
        if (page === 2) app.emulator!.control.setFaults({ errorRate: 1 });
      },
    });
    await expect(failing).rejects.toThrow();
    app.emulator!.control.setFaults({ errorRate: 0 });
    const failed = (await progress(agent)).run!;
    // Customers are listed newest first: after two pages the cursor is the 200th newest.
    expect(failed).toMatchObject({ id: run!.id, status: 'failed', customersFetched: 200, listCalls: 2 });
    expect(failed.error).toMatch(/Stripe/);
    expect(await cacheRows(inst.scope)).toBe(200);
    const stored = (await inst.scope.from('mapping_runs').where({ id: run!.id }).first('cursor')) as { cursor: string };
    expect(stored.cursor).toBe(created[350 - 200]!.id);

    const resumed = await agent.post('/api/app/mapping/import', {});
    expect(resumed.status).toBe(202);
    expect(resumed.body).toMatchObject({ resumed: true, run: { id: run!.id } });
    const done = await untilDone(agent);
    expect(done.run).toMatchObject({ id: run!.id, status: 'done', customersFetched: 350, listCalls: 4 });
    expect(await cacheRows(inst.scope)).toBe(350);
    const audit = (await inst.scope.from('audit_log').where({ subject_id: run!.id }).pluck('action')) as string[];
    expect(audit).toEqual(['mapping.import_resumed']);
  });

  it('resumes a run whose worker died (no error recorded) once it is stale', async () => {
    const { inst, agent } = await setup(230);
    const ctx = testContext(app.db.database, { emulator: app.emulator!, clock: app.clock });
    const [run] = (await inst.scope.insert('mapping_runs', { status: 'queued', heartbeat_at: app.clock.now() }).returning('id')) as Array<{ id: string }>;
    let died!: () => void;
    const diedAfterPage = new Promise<void>((resolve) => (died = resolve));
    // The "process" stops forever after storing its first page: no catch, no status change.
    void runMappingImport(ctx, { installationId: inst.id, runId: run!.id }, {
      afterPage: () => {
        died();
        return new Promise<void>(() => undefined);
      },
    });
    await diedAfterPage;
    expect((await progress(agent)).run).toMatchObject({ status: 'fetching', customersFetched: 100, stale: false });

    // While it looks alive, "start" shows the same run and does nothing else.
    const again = await agent.post('/api/app/mapping/import', {});
    expect(again.body).toMatchObject({ resumed: false, run: { id: run!.id, status: 'fetching' } });

    (app.clock as ManualClock).advance(3 * 60_000);
    expect((await progress(agent)).run!.stale).toBe(true);
    const resumed = await agent.post('/api/app/mapping/import', {});
    expect(resumed.body).toMatchObject({ resumed: true, run: { id: run!.id } });
    const done = await untilDone(agent);
    expect(done.run).toMatchObject({ status: 'done', customersFetched: 230, listCalls: 3 });
    expect(await cacheRows(inst.scope)).toBe(230);
  });

  it('is safe to re-run: one run at a time, no duplicates, deleted customers marked, suggestions replaced', async () => {
    const { inst, stripe, created, agent } = await setup(120);
    await inst.scope.insert('clients', { psa_ref: 'R-1', name: 'Customer 7 Holdings', email: 'billing7@customer7.example' });
    const [a, b] = await Promise.all([agent.post('/api/app/mapping/import', {}), agent.post('/api/app/mapping/import', {})]);
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(a.body.run.id).toBe(b.body.run.id);
    const first = await untilDone(agent);
    expect(first.run!.customersFetched).toBe(120);

    await stripe.customers.del(created[5]!.id);
    const second = await agent.post('/api/app/mapping/import', {});
    expect(second.body.run.id).not.toBe(first.run!.id);
    const done = await untilDone(agent);
    expect(done.run).toMatchObject({ status: 'done', customersFetched: 119, listCalls: 2 });
    expect(await cacheRows(inst.scope)).toBe(120);
    const deleted = (await inst.scope.from('stripe_customer_cache').where({ deleted: true }).pluck('customer_id')) as string[];
    expect(deleted).toEqual([created[5]!.id]);
    const suggestions = (await inst.scope.from('mapping_suggestions').select('run_id', 'customer_id', 'rank')) as Array<{ run_id: string; customer_id: string }>;
    expect(suggestions.length).toBeGreaterThan(0);
    expect(new Set(suggestions.map((s) => s.run_id))).toEqual(new Set([done.run!.id]));
    expect(suggestions[0]!.customer_id).toBe(created[7]!.id);
  });

  it('refuses technicians and unauthenticated callers; says when Stripe is not connected', async () => {
    const inst = await makeInstallation(app.db.database.knex);
    const tech = await makeStaffUser(inst.scope, { role: 'technician' });
    const agent = new Agent(app.url);
    expect((await agent.get('/api/app/mapping/import')).status).toBe(401);
    await agent.login('app', tech.email, tech.password);
    for (const [method, path] of [['GET', '/api/app/mapping/import'], ['POST', '/api/app/mapping/import'], ['GET', '/api/app/mapping/clients'], ['GET', '/api/app/mapping/customers/search?q=abc']] as const) {
      const res = await agent.request(method, path, method === 'POST' ? { json: {} } : {});
      expect(res.status, path).toBe(403);
      expect(res.body.error.code).toBe('AUTH_FORBIDDEN');
    }
    const admin = await adminAgent(inst.scope);
    const res = await admin.post('/api/app/mapping/import', {});
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('STRIPE_NOT_CONNECTED');
    expect(await inst.scope.from('mapping_runs').count({ n: '*' }).first()).toEqual({ n: 0 });
    const bad = await admin.post('/api/app/mapping/import', { force: true });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
  });
});

describe('mapping import through the job queue', () => {
  let jobsApp: TestApp;
  beforeAll(async () => {
    jobsApp = await startTestApp({ stripeEmulator: true, env: { JOBS_ENABLED: 'true' }, jobs: [mappingImportJob] });
  });
  afterAll(async () => {
    await jobsApp?.close();
  });

  it('a worker picks the run up and finishes it', async () => {
    const inst = await makeInstallation(jobsApp.db.database.knex);
    const { stripe } = await connectStripe(jobsApp.runtime.ctx, inst.scope);
    await createCustomers(stripe, Array.from({ length: 101 }, (_, i) => ({ name: `Q ${i}`, email: `q${i}@q${i}.example` })));
    const agent = await adminAgent(inst.scope, jobsApp.url);
    const started = await agent.post('/api/app/mapping/import', {});
    expect(started.status).toBe(202);
    const jobs = (await jobsApp.db.database.knex('pgboss.job').where({ name: 'mapping.import' }).select('data')) as Array<{ data: { runId: string } }>;
    expect(jobs.map((j) => j.data.runId)).toEqual([started.body.run.id]);
    const done = await untilDone(agent);
    expect(done.run).toMatchObject({ status: 'done', customersFetched: 101, listCalls: 2 });
  });
});
