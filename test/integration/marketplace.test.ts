// Marketplace install, technician launch and uninstall: signed, fresh, single-use; a bad request
// creates nothing; uninstall disconnects Stripe and keeps the financial records.
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../server/clock';
import { toCount } from '../../server/db/database';
import { InstallationScope } from '../../server/db/tenant-scope';
import { signMarketplaceParams, type MarketplaceAction } from '../../server/installations/marketplace-signature';
import { makeClient, makeInvoice } from '../support/factories';
import { Agent } from '../support/http-agent';
import { startTestApp, TEST_MARKETPLACE_SECRET, type TestApp } from '../support/test-app';

let app: TestApp;
const clock = new ManualClock('2026-11-23T15:00:00Z');
const knex = () => app.db.database.knex;
const count = async (table: string, where: Record<string, unknown> = {}) =>
  toCount(((await knex()(table).where(where).count({ n: '*' }).first()) as { n: unknown }).n);

function signed(action: MarketplaceAction, params: Record<string, string>, secret = TEST_MARKETPLACE_SECRET): Record<string, string> {
  const all = { ...params, timestamp: String(Math.floor(clock.now().getTime() / 1000)) };
  return { ...all, signature: signMarketplaceParams(action, all, secret) };
}
const link = (path: string, params: Record<string, string>) => `${path}?${new URLSearchParams(params).toString()}`;

const installParams = { tenant_id: 'psa-tenant-42', tenant_name: 'Contoso MSP', user_id: 'psa-user-1', user_email: 'Owner@Contoso-MSP.example', user_name: 'Olivia Owner' };

beforeAll(async () => {
  app = await startTestApp({ clock, stripeEmulator: true });
});
afterAll(() => app?.close());

describe('marketplace install', () => {
  it('creates the installation and its admin, signs them in and opens the setup wizard', async () => {
    const agent = new Agent(app.url);
    const res = await agent.get(link('/marketplace/install', signed('install', installParams)));
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/app/setup');
    const session = await agent.get('/api/app/session');
    expect(session.status).toBe(200);
    expect(session.body.user).toMatchObject({ email: 'owner@contoso-msp.example', name: 'Olivia Owner', role: 'admin' });
    expect(session.body.installation.name).toBe('Contoso MSP');
    const audit = await knex()('audit_log').where({ action: 'installation.installed' }).first();
    expect(audit.details).toMatchObject({ psaTenantRef: 'psa-tenant-42' });
  });

  it('refuses a replayed, tampered, stale or mis-signed link with a 401 page and creates nothing', async () => {
    const before = { installations: await count('installations'), staff: await count('staff_users'), sessions: await count('sessions'), audit: await count('audit_log') };
    const fresh = signed('install', { ...installParams, tenant_id: 'psa-tenant-new' });
    const first = await new Agent(app.url).get(link('/marketplace/install', fresh));
    expect(first.status).toBe(302);
    const afterFirst = await count('installations');

    const attempts = [
      fresh, // replay
      { ...signed('install', { ...installParams, tenant_id: 'psa-tenant-x' }), user_email: 'attacker@evil.example' }, // tampered
      signed('install', { ...installParams, tenant_id: 'psa-tenant-y' }, 'not-the-shared-secret-at-all-0000000'), // wrong secret
      { ...signed('launch', { ...installParams, tenant_id: 'psa-tenant-z' }) }, // a launch signature used to install
      Object.fromEntries(Object.entries(signed('install', { ...installParams, tenant_id: 'psa-tenant-w' })).filter(([k]) => k !== 'timestamp')),
    ];
    for (const params of attempts) {
      const res = await new Agent(app.url).get(link('/marketplace/install', params));
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      expect(res.body).toContain('This link can’t be used');
      expect(res.headers.getSetCookie()).toEqual([]);
    }
    const stale = signed('install', { ...installParams, tenant_id: 'psa-tenant-stale' });
    clock.advance(301_000);
    expect((await new Agent(app.url).get(link('/marketplace/install', stale))).status).toBe(401);
    expect(await count('installations')).toBe(afterFirst);
    expect(before.installations + 1).toBe(afterFirst);
  });
});

describe('technician launch', () => {
  it('creates the technician on first launch with the PSA role, then keeps Settle’s role', async () => {
    const params = { tenant_id: 'psa-tenant-42', user_id: 'psa-tech-7', user_email: 'tech7@contoso-msp.example', user_name: 'Tess Tech', role: 'technician', return_to: '/app/clients' };
    const agent = new Agent(app.url);
    const res = await agent.get(link('/marketplace/launch', signed('launch', params)));
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/app/clients');
    expect((await agent.get('/api/app/session')).body.user.role).toBe('technician');

    clock.advance(1000);
    const again = new Agent(app.url);
    const second = await again.get(link('/marketplace/launch', signed('launch', { ...params, role: 'admin', return_to: 'https://evil.example/' })));
    expect(second.headers.get('location')).toBe('/app/');
    expect((await again.get('/api/app/session')).body.user.role).toBe('technician');
    expect(await count('staff_users', { psa_user_ref: 'psa-tech-7' })).toBe(1);
  });

  it('answers 404 for a tenant that has not installed Settle', async () => {
    const res = await new Agent(app.url).get(
      link('/marketplace/launch', signed('launch', { tenant_id: 'nobody', user_id: 'u', user_email: 'u@x.example', role: 'technician' })),
    );
    expect(res.status).toBe(404);
    expect(res.body).toContain('isn’t installed');
  });

  it('allows a PSA user whose email has a password login in another installation', async () => {
    await new Agent(app.url).get(link('/marketplace/install', signed('install', { ...installParams, tenant_id: 'psa-tenant-other', user_id: 'o-1' })));
    const res = await new Agent(app.url).get(
      link('/marketplace/launch', signed('launch', { tenant_id: 'psa-tenant-other', user_id: 'o-2', user_email: 'tech7@contoso-msp.example', role: 'technician' })),
    );
    expect(res.status).toBe(302);
  });
});

describe('marketplace uninstall', () => {
  it('disconnects Stripe, deletes Settle’s webhook endpoint, ends sessions and keeps the financial records', async () => {
    clock.advance(1000);
    const admin = new Agent(app.url);
    await admin.get(link('/marketplace/install', signed('install', { ...installParams, tenant_id: 'psa-tenant-bye', user_id: 'b-1', user_email: 'b1@bye.example' })));
    const inst = (await knex()('installations').where({ psa_tenant_ref: 'psa-tenant-bye' }).first('id')) as { id: string };
    const scope = new InstallationScope(knex(), inst.id);
    const client = await makeClient(scope);
    await makeInvoice(scope, client.id);

    const key = 'rk_test_uninstall_account';
    const stripe = new Stripe(key, { host: new URL(app.emulator!.url).hostname, port: Number(new URL(app.emulator!.url).port), protocol: 'http' });
    const endpoint = await stripe.webhookEndpoints.create({ url: `https://settle.example/webhooks/stripe/${inst.id}`, enabled_events: ['payment_intent.succeeded'] });
    const [conn] = (await scope.insert('stripe_connections', { mode: 'restricted_key', account_id: 'acct_x', livemode: false, webhook_endpoint_id: endpoint.id }).returning('id')) as Array<{ id: string }>;
    await scope.from('stripe_connections').where({ id: conn!.id }).update({ secret_enc: app.runtime.ctx.secrets.seal(key, conn!.id), webhook_secret_enc: app.runtime.ctx.secrets.seal(endpoint.secret!, conn!.id) });

    const body = signed('uninstall', { tenant_id: 'psa-tenant-bye' });
    const res = await new Agent(app.url).post('/marketplace/uninstall', body);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ uninstalled: true, stripeDisconnected: true, webhookEndpointDeleted: true });
    expect((await stripe.webhookEndpoints.list()).data).toEqual([]);
    const connection = await scope.from('stripe_connections').first();
    expect(connection).toMatchObject({ status: 'disconnected', secret_enc: null, webhook_secret_enc: null });
    expect((await admin.get('/api/app/session')).status).toBe(401);
    expect(await count('invoices', { installation_id: inst.id })).toBe(1);
    expect((await new Agent(app.url).post('/marketplace/uninstall', body)).status).toBe(401); // single use

    clock.advance(1000);
    const back = new Agent(app.url);
    await back.get(link('/marketplace/install', signed('install', { ...installParams, tenant_id: 'psa-tenant-bye', user_id: 'b-1', user_email: 'b1@bye.example' })));
    expect((await back.get('/api/app/clients')).body.total).toBe(1); // reopened with its data
    expect(await knex()('audit_log').where({ action: 'installation.reopened', installation_id: inst.id }).first()).toBeTruthy();
  });
});
