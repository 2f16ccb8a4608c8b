// Mapping actions over HTTP: bulk accept, override, create a Stripe customer (idempotent, also
// across a crash between Stripe and our write), ignore/unignore/unmap, search, audit, roles.
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InstallationScope } from '../../server/db/tenant-scope';
import type { AppError } from '../../server/http/app-error';
import { createCustomerForClient } from '../../server/mapping/create-customer-for-client';
import { runMappingImport } from '../../server/mapping/run-mapping-import';
import { Agent } from '../support/http-agent';
import { makeInstallation, makeStaffUser } from '../support/factories';
import { connectStripe, createCustomers } from '../support/mapping';
import { startTestApp, type TestApp } from '../support/test-app';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ stripeEmulator: true });
});
afterAll(async () => {
  await app?.close();
});

interface World {
  scope: InstallationScope;
  installationId: string;
  stripe: Stripe;
  admin: Agent;
  clients: Record<string, string>;
  customers: Record<string, Stripe.Customer>;
}

async function world(): Promise<World> {
  const inst = await makeInstallation(app.db.database.knex);
  const { stripe } = await connectStripe(app.runtime.ctx, inst.scope);
  const [contoso, fabrikam, adatum, alpha, beta, spare, deleted] = await createCustomers(stripe, [
    { name: 'Contoso Dental Group LLC', email: 'ap@contoso.example' },
    { name: 'Fabrikam', email: 'billing@fabrikam.example' },
    { name: 'Adatum Corporation', email: 'finance@adatum.example' },
    { name: 'Shared Accounts', email: 'accounts@shared.example' },
    { name: 'Beta Shared', email: 'beta@shared.example' },
    { name: 'Spare Customer', email: 'spare@spare.example' },
    { name: 'Gone Customer', email: 'gone@gone.example' },
  ]);
  const clients: Record<string, string> = {};
  for (const [key, name, email] of [
    ['contoso', 'Contoso Dental Group', 'ap@contoso.example'],
    ['fabrikam', 'Fabrikam, Inc.', 'billing@fabrikam.example'],
    ['adatum', 'Adatum', null],
    ['alpha', 'Alpha Shared', 'alpha@shared.example'],
    ['newco', 'Newco Plumbing', 'owner@newco.example'],
    ['other', 'Other Client', null],
  ] as const) {
    const [row] = (await inst.scope.insert('clients', { psa_ref: `PSA-${key}`, name, email }).returning('id')) as Array<{ id: string }>;
    clients[key] = row!.id;
  }
  const run = (await inst.scope.insert('mapping_runs', { status: 'queued' }).returning('id')) as Array<{ id: string }>;
  expect(await runMappingImport(app.runtime.ctx, { installationId: inst.id, runId: run[0]!.id })).toBe('done');
  await stripe.customers.del(deleted!.id);
  const user = await makeStaffUser(inst.scope, { role: 'admin' });
  const admin = new Agent(app.url);
  await admin.login('app', user.email, user.password);
  return {
    scope: inst.scope,
    installationId: inst.id,
    stripe,
    admin,
    clients,
    customers: { contoso: contoso!, fabrikam: fabrikam!, adatum: adatum!, alpha: alpha!, beta: beta!, spare: spare!, deleted: deleted! },
  };
}

const clientRow = (w: World, key: string) =>
  w.scope.from('clients').where('clients.id', w.clients[key]).first('mapping_status', 'stripe_customer_id', 'mapping_source') as Promise<{ mapping_status: string; stripe_customer_id: string | null; mapping_source: string | null }>;
const auditCount = (w: World) => w.scope.from('audit_log').count({ n: '*' }).first().then((r) => Number((r as { n: unknown }).n));

describe('bulk accept', () => {
  it('maps every unmapped client whose top suggestion reaches the threshold, audited; repeating changes nothing', async () => {
    const w = await world();
    const res = await w.admin.post('/api/app/mapping/accept', { minConfidence: 0.9 });
    expect(res.status).toBe(200);
    const accepted = new Map((res.body.accepted as Array<{ clientId: string; customerId: string }>).map((a) => [a.clientId, a.customerId]));
    expect(accepted).toEqual(new Map([
      [w.clients.contoso, w.customers.contoso!.id],
      [w.clients.fabrikam, w.customers.fabrikam!.id],
    ]));
    expect(await clientRow(w, 'contoso')).toEqual({ mapping_status: 'mapped', stripe_customer_id: w.customers.contoso!.id, mapping_source: 'suggestion' });
    expect(await clientRow(w, 'adatum')).toMatchObject({ mapping_status: 'unmapped' });

    const audit = (await w.scope.from('audit_log').where({ action: 'mapping.mapped', client_id: w.clients.contoso }).select('details', 'actor_type')) as Array<{ details: Record<string, unknown>; actor_type: string }>;
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor_type).toBe('staff');
    expect(audit[0]!.details).toMatchObject({
      before: { status: 'unmapped', stripeCustomerId: null },
      after: { status: 'mapped', stripeCustomerId: w.customers.contoso!.id, source: 'suggestion' },
      reason: expect.stringContaining('Same email ap@contoso.example'),
    });

    const before = await auditCount(w);
    const again = await w.admin.post('/api/app/mapping/accept', { minConfidence: 0.9 });
    expect(again.body).toEqual({ accepted: [], skipped: [] });
    expect(await auditCount(w)).toBe(before);
  });

  it('accepts a list of clients; reports those without a suggestion or already mapped', async () => {
    const w = await world();
    const res = await w.admin.post('/api/app/mapping/accept', { clientIds: [w.clients.adatum, w.clients.other, w.clients.alpha] });
    expect(res.status).toBe(200);
    expect(res.body.accepted.map((a: { clientId: string }) => a.clientId).sort()).toEqual([w.clients.adatum, w.clients.alpha].sort());
    expect(res.body.skipped).toEqual([{ clientId: w.clients.other, reason: 'no_suggestion' }]);
    const again = await w.admin.post('/api/app/mapping/accept', { clientIds: [w.clients.adatum] });
    expect(again.body).toEqual({ accepted: [], skipped: [{ clientId: w.clients.adatum, reason: 'not_unmapped' }] });
  });

  it('never maps one customer to two clients: the weaker claim is skipped', async () => {
    const w = await world();
    // Someone mapped the customer Alpha's suggestion points at to another client meanwhile.
    await w.scope.from('clients').where('clients.id', w.clients.other).update({ mapping_status: 'mapped', stripe_customer_id: (await w.scope.from('mapping_suggestions').where({ client_id: w.clients.alpha, rank: 1 }).first('customer_id')).customer_id });
    const res = await w.admin.post('/api/app/mapping/accept', { clientIds: [w.clients.alpha] });
    expect(res.body).toEqual({ accepted: [], skipped: [{ clientId: w.clients.alpha, reason: 'customer_taken' }] });
    expect(await clientRow(w, 'alpha')).toMatchObject({ mapping_status: 'unmapped', stripe_customer_id: null });
  });

  it('validates its input strictly and writes nothing on rejection', async () => {
    const w = await world();
    const before = await auditCount(w);
    for (const body of [{}, { minConfidence: 0.2 }, { minConfidence: 0.9, clientIds: [w.clients.adatum] }, { clientIds: ['not-a-uuid'] }, { minConfidence: 0.9, extra: 1 }]) {
      const res = await w.admin.post('/api/app/mapping/accept', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    expect(await auditCount(w)).toBe(before);
  });
});

describe('override one client', () => {
  it('maps to a chosen customer after re-reading it from Stripe, with a dashboard link', async () => {
    const w = await world();
    const res = await w.admin.post(`/api/app/mapping/clients/${w.clients.adatum}/map`, { customerId: w.customers.spare!.id });
    expect(res.status).toBe(200);
    expect(res.body.client).toMatchObject({
      mappingStatus: 'mapped',
      mappingSource: 'manual',
      stripeCustomerId: w.customers.spare!.id,
      stripeDashboardUrl: `https://dashboard.stripe.com/test/customers/${w.customers.spare!.id}`,
    });
    // Re-map (later changes are allowed and audited).
    const remap = await w.admin.post(`/api/app/mapping/clients/${w.clients.adatum}/map`, { customerId: w.customers.adatum!.id });
    expect(remap.status).toBe(200);
    const audit = (await w.scope.from('audit_log').where({ client_id: w.clients.adatum, action: 'mapping.mapped' }).orderBy('id').pluck('details')) as Array<{ before: { stripeCustomerId: string | null }; after: { stripeCustomerId: string } }>;
    expect(audit.map((d) => [d.before.stripeCustomerId, d.after.stripeCustomerId])).toEqual([
      [null, w.customers.spare!.id],
      [w.customers.spare!.id, w.customers.adatum!.id],
    ]);
    // The technician clients list links mapped clients to the Stripe dashboard.
    const list = await w.admin.get('/api/app/clients?search=Adatum');
    expect(list.body.clients[0].stripeDashboardUrl).toBe(`https://dashboard.stripe.com/test/customers/${w.customers.adatum!.id}`);
  });

  it('refuses a customer mapped to another client with 409 MAPPING_CUSTOMER_TAKEN, writing nothing', async () => {
    const w = await world();
    expect((await w.admin.post(`/api/app/mapping/clients/${w.clients.contoso}/map`, { customerId: w.customers.contoso!.id })).status).toBe(200);
    const before = await auditCount(w);
    const res = await w.admin.post(`/api/app/mapping/clients/${w.clients.other}/map`, { customerId: w.customers.contoso!.id });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('MAPPING_CUSTOMER_TAKEN');
    expect(await clientRow(w, 'other')).toMatchObject({ mapping_status: 'unmapped', stripe_customer_id: null });
    expect(await auditCount(w)).toBe(before);
  });

  it('two admins mapping one customer to two clients at once: exactly one wins', async () => {
    const w = await world();
    const results = await Promise.all([
      w.admin.post(`/api/app/mapping/clients/${w.clients.other}/map`, { customerId: w.customers.spare!.id }),
      w.admin.post(`/api/app/mapping/clients/${w.clients.newco}/map`, { customerId: w.customers.spare!.id }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(results.find((r) => r.status === 409)!.body.error.code).toBe('MAPPING_CUSTOMER_TAKEN');
    const holders = await w.scope.from('clients').where({ stripe_customer_id: w.customers.spare!.id }).pluck('id');
    expect(holders).toHaveLength(1);
  });

  it('refuses unknown or deleted customers (422) and unknown clients (404)', async () => {
    const w = await world();
    for (const customerId of ['cus_doesnotexist', w.customers.deleted!.id]) {
      const res = await w.admin.post(`/api/app/mapping/clients/${w.clients.other}/map`, { customerId });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('MAPPING_CUSTOMER_NOT_FOUND');
    }
    const bad = await w.admin.post(`/api/app/mapping/clients/${w.clients.other}/map`, { customerId: 'acct_123' });
    expect(bad.status).toBe(400);
    const other = await makeInstallation(app.db.database.knex);
    const [foreign] = (await other.scope.insert('clients', { psa_ref: 'X', name: 'Foreign' }).returning('id')) as Array<{ id: string }>;
    const res = await w.admin.post(`/api/app/mapping/clients/${foreign!.id}/map`, { customerId: w.customers.spare!.id });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('CLIENT_NOT_FOUND');
    expect(await clientRow(w, 'other')).toMatchObject({ mapping_status: 'unmapped' });
  });
});

describe('create a Stripe customer', () => {
  const tagged = (w: World, clientId: string) =>
    w.stripe.customers.search({ query: `metadata['settle_client_id']:'${clientId}'` }).then((r) => r.data);

  it('creates one customer with Settle metadata and maps it; a second call is refused, still one customer', async () => {
    const w = await world();
    const res = await w.admin.post(`/api/app/mapping/clients/${w.clients.newco}/create-customer`, {});
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ reused: false, client: { mappingStatus: 'mapped', mappingSource: 'created' } });
    const [customer, ...rest] = await tagged(w, w.clients.newco!);
    expect(rest).toHaveLength(0);
    expect(customer).toMatchObject({
      id: res.body.client.stripeCustomerId,
      name: 'Newco Plumbing',
      email: 'owner@newco.example',
      metadata: { settle_installation_id: w.installationId, settle_client_id: w.clients.newco, psa_client_ref: 'PSA-newco' },
    });
    const twice = await w.admin.post(`/api/app/mapping/clients/${w.clients.newco}/create-customer`, {});
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('MAPPING_CONFLICT');
    expect(await tagged(w, w.clients.newco!)).toHaveLength(1);
    const audit = (await w.scope.from('audit_log').where({ client_id: w.clients.newco }).pluck('action')) as string[];
    expect(audit).toEqual(['mapping.customer_created']);
  });

  it('after a crash between Stripe and our write, the retry reuses the customer (one customer)', async () => {
    const w = await world();
    const meta = { actor: { type: 'system' as const, id: null, label: 'test' }, clientId: w.clients.other! };
    const crash = createCustomerForClient(app.runtime.ctx, w.scope, {
      ...meta,
      afterStripeCreate: () => {
        throw new Error('process died');
      },
    });
    await expect(crash).rejects.toThrow('process died');
    expect(await clientRow(w, 'other')).toMatchObject({ mapping_status: 'unmapped', stripe_customer_id: null });
    const [orphan] = await tagged(w, w.clients.other!);
    expect(orphan).toBeDefined();

    const res = await w.admin.post(`/api/app/mapping/clients/${w.clients.other}/create-customer`, {});
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ reused: true, client: { stripeCustomerId: orphan!.id, mappingStatus: 'mapped' } });
    expect(await tagged(w, w.clients.other!)).toHaveLength(1);

    // The same key replays Stripe's first answer even without the metadata lookup.
    const replay = await w.stripe.customers.create(
      { name: 'Other Client', metadata: { settle_installation_id: w.installationId, settle_client_id: w.clients.other!, psa_client_ref: 'PSA-other' } },
      { idempotencyKey: `settle:customer:${w.clients.other}` },
    );
    expect(replay.id).toBe(orphan!.id);
  });

  it('refuses a client already mapped, and an unknown client', async () => {
    const w = await world();
    await w.admin.post(`/api/app/mapping/clients/${w.clients.adatum}/map`, { customerId: w.customers.adatum!.id });
    const failure = await createCustomerForClient(app.runtime.ctx, w.scope, { actor: { type: 'system', id: null, label: null }, clientId: w.clients.adatum! }).catch((e: unknown) => e);
    expect((failure as AppError).code).toBe('MAPPING_CONFLICT');
    const res = await w.admin.post('/api/app/mapping/clients/00000000-0000-4000-8000-000000000000/create-customer', {});
    expect(res.status).toBe(404);
  });
});

describe('ignore, unignore, unmap', () => {
  it('moves between states, audited with before/after; ignored clients get no suggestions', async () => {
    const w = await world();
    const ignore = await w.admin.post(`/api/app/mapping/clients/${w.clients.adatum}/ignore`, {});
    expect(ignore.body.client).toMatchObject({ mappingStatus: 'ignored', stripeCustomerId: null });
    expect((await w.admin.post(`/api/app/mapping/clients/${w.clients.adatum}/ignore`, {})).status).toBe(200);
    const unmapWrong = await w.admin.post(`/api/app/mapping/clients/${w.clients.adatum}/unmap`, {});
    expect(unmapWrong.status).toBe(409);
    expect(unmapWrong.body.error.code).toBe('MAPPING_CONFLICT');

    const run = (await w.scope.insert('mapping_runs', { status: 'queued' }).returning('id')) as Array<{ id: string }>;
    await runMappingImport(app.runtime.ctx, { installationId: w.installationId, runId: run[0]!.id });
    expect(await w.scope.from('mapping_suggestions').where({ client_id: w.clients.adatum }).pluck('customer_id')).toEqual([]);
    const list = await w.admin.get('/api/app/mapping/clients?status=ignored');
    expect(list.body.clients.map((c: { id: string }) => c.id)).toEqual([w.clients.adatum]);

    expect((await w.admin.post(`/api/app/mapping/clients/${w.clients.adatum}/unignore`, {})).body.client.mappingStatus).toBe('unmapped');
    await w.admin.post(`/api/app/mapping/clients/${w.clients.adatum}/map`, { customerId: w.customers.adatum!.id });
    const unmap = await w.admin.post(`/api/app/mapping/clients/${w.clients.adatum}/unmap`, {});
    expect(unmap.body.client).toMatchObject({ mappingStatus: 'unmapped', stripeCustomerId: null });
    // Ignoring a mapped client drops its mapping.
    await w.admin.post(`/api/app/mapping/clients/${w.clients.adatum}/map`, { customerId: w.customers.adatum!.id });
    await w.admin.post(`/api/app/mapping/clients/${w.clients.adatum}/ignore`, {});
    const actions = (await w.scope.from('audit_log').where({ client_id: w.clients.adatum }).orderBy('id').select('action', 'details')) as Array<{ action: string; details: { before: { status: string }; after: { status: string } } }>;
    expect(actions.map((a) => `${a.action}:${a.details.before.status}->${a.details.after.status}`)).toEqual([
      'mapping.ignored:unmapped->ignored',
      'mapping.unignored:ignored->unmapped',
      'mapping.mapped:unmapped->mapped',
      'mapping.unmapped:mapped->unmapped',
      'mapping.mapped:unmapped->mapped',
      'mapping.ignored:mapped->ignored',
    ]);
  });
});

describe('search Stripe customers', () => {
  it('finds by email and by name, marking customers already mapped', async () => {
    const w = await world();
    await w.admin.post(`/api/app/mapping/clients/${w.clients.contoso}/map`, { customerId: w.customers.contoso!.id });
    const byEmail = await w.admin.get('/api/app/mapping/customers/search?q=ap%40contoso.example');
    expect(byEmail.status).toBe(200);
    expect(byEmail.body).toEqual({
      stripeSearched: true,
      customers: [{ id: w.customers.contoso!.id, name: 'Contoso Dental Group LLC', email: 'ap@contoso.example', mappedTo: { clientId: w.clients.contoso, clientName: 'Contoso Dental Group' } }],
    });
    const byName = await w.admin.get('/api/app/mapping/customers/search?q=shared');
    expect(byName.body.customers.map((c: { id: string }) => c.id).sort()).toEqual([w.customers.alpha!.id, w.customers.beta!.id].sort());
    const tooShort = await w.admin.get('/api/app/mapping/customers/search?q=a');
    expect(tooShort.status).toBe(400);
  });

  it('also finds customers only the cache knows (Stripe search lags)', async () => {
    const w = await world();
    await w.scope.insert('stripe_customer_cache', { customer_id: 'cus_cachedonly', name: 'Lagging Search Ltd', email: 'x@lag.example' });
    const res = await w.admin.get('/api/app/mapping/customers/search?q=lagging');
    expect(res.body.customers).toEqual([{ id: 'cus_cachedonly', name: 'Lagging Search Ltd', email: 'x@lag.example', mappedTo: null }]);
  });
});

describe('roles', () => {
  it('technicians cannot change mappings', async () => {
    const w = await world();
    const tech = await makeStaffUser(w.scope, { role: 'technician' });
    const agent = new Agent(app.url);
    await agent.login('app', tech.email, tech.password);
    const before = await auditCount(w);
    for (const [path, body] of [
      ['/api/app/mapping/accept', { minConfidence: 0.9 }],
      [`/api/app/mapping/clients/${w.clients.adatum}/map`, { customerId: w.customers.adatum!.id }],
      [`/api/app/mapping/clients/${w.clients.adatum}/create-customer`, {}],
      [`/api/app/mapping/clients/${w.clients.adatum}/ignore`, {}],
      [`/api/app/mapping/clients/${w.clients.adatum}/unmap`, {}],
    ] as const) {
      const res = await agent.post(path, body);
      expect(res.status, path).toBe(403);
    }
    expect(await auditCount(w)).toBe(before);
    expect(await clientRow(w, 'adatum')).toMatchObject({ mapping_status: 'unmapped' });
  });
});
