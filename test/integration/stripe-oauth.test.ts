// "Connect with Stripe": authorize on the emulator's page, callback with a state bound to the
// admin's session, token exchange through the real SDK, refresh, and deauthorize on disconnect.
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshOAuthConnection } from '../../server/stripe/oauth-connect';
import { makeInstallation, makeStaffUser } from '../support/factories';
import { Agent } from '../support/http-agent';
import { startTestApp, type TestApp } from '../support/test-app';

let app: TestApp;
let installation: Awaited<ReturnType<typeof makeInstallation>>;
let admin: Agent;
let otherAdmin: Agent;

/** What the person does on Stripe's page: press Connect (or Deny); returns where Stripe redirects. */
async function decide(authorizeUrl: string, decision: 'allow' | 'deny'): Promise<URL> {
  const url = new URL(authorizeUrl);
  const form = new URLSearchParams(url.searchParams);
  form.set('decision', decision);
  const res = await fetch(`${url.origin}${url.pathname}`, { method: 'POST', body: form, redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location')!);
}

const callbackPath = (redirect: URL) => `/stripe/oauth/callback${redirect.search}`;

beforeAll(async () => {
  app = await startTestApp({ stripeEmulator: true });
  installation = await makeInstallation(app.db.database.knex);
  const a = await makeStaffUser(installation.scope, { role: 'admin' });
  const b = await makeStaffUser(installation.scope, { role: 'admin' });
  admin = new Agent(app.url);
  otherAdmin = new Agent(app.url);
  await admin.login('app', a.email, a.password);
  await otherAdmin.login('app', b.email, b.password);
});
afterAll(() => app?.close());

const connection = () => installation.scope.from('stripe_connections').whereNot('status', 'disconnected').first();

describe('Connect with Stripe', () => {
  it('refuses a callback whose state belongs to another session, and a denied authorization, saving nothing', async () => {
    const start = await admin.post('/api/app/stripe/oauth/start');
    expect(start.status).toBe(200);
    const redirect = await decide(start.body.url, 'allow');
    const stolen = await otherAdmin.get(callbackPath(redirect));
    expect(stolen.status).toBe(400);
    expect(stolen.body).toContain('another browser session');
    expect(stolen.body).toContain('href="/app/setup"');

    const denied = await decide((await admin.post('/api/app/stripe/oauth/start')).body.url, 'deny');
    const res = await admin.get(callbackPath(denied));
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/app/setup?stripe=denied');
    expect(await connection()).toBeUndefined();
  });

  it('connects the account the person authorized, and the state cannot be used twice', async () => {
    const start = await admin.post('/api/app/stripe/oauth/start');
    const authorize = new URL(start.body.url);
    expect(authorize.searchParams.get('redirect_uri')).toBe('http://127.0.0.1:3000/stripe/oauth/callback');
    expect(authorize.searchParams.get('scope')).toBe('read_write');
    const redirect = await decide(start.body.url, 'allow');
    const res = await admin.get(callbackPath(redirect));
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/app/setup?stripe=connected');

    const row = await connection();
    expect(row).toMatchObject({ mode: 'oauth', status: 'active', livemode: false });
    expect(row.account_id).toMatch(/^acct_/);
    expect(row.publishable_key).toMatch(/^pk_test_/);
    expect(row.refresh_token_enc).toMatch(/^v1\./);
    const { stripe } = await app.runtime.ctx.stripe.forInstallation(app.db.database.knex, installation.id);
    expect((await stripe.customers.create({ name: 'Works' })).id).toMatch(/^cus_/);
    expect((await admin.get('/api/app/session')).body.stripe).toMatchObject({ connected: true, accountId: row.account_id });

    expect((await admin.get(callbackPath(redirect))).status).toBe(400); // replay
  });

  it('refreshes the access token: the new one works, the old one stops', async () => {
    const before = await connection();
    const oldToken = app.runtime.ctx.secrets.open(before.secret_enc, before.id);
    expect(await refreshOAuthConnection(app.runtime.ctx, installation.id)).toBe(true);
    const after = await connection();
    const newToken = app.runtime.ctx.secrets.open(after.secret_enc, after.id);
    expect(newToken).not.toBe(oldToken);
    await app.runtime.ctx.stripe.forSecret(newToken).customers.list({ limit: 1 });
    await expect(app.runtime.ctx.stripe.forSecret(oldToken).customers.list({ limit: 1 })).rejects.toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
  });

  it('disconnecting revokes Settle’s access at Stripe', async () => {
    const row = await connection();
    const token = app.runtime.ctx.secrets.open(row.secret_enc, row.id);
    expect((await admin.request('DELETE', '/api/app/stripe/connection')).status).toBe(200);
    await expect(app.runtime.ctx.stripe.forSecret(token).customers.list({ limit: 1 })).rejects.toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    expect(await connection()).toBeUndefined();
  });
});
