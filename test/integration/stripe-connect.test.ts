// Connecting an MSP's Stripe account with a restricted key: full secret keys are refused, the key is
// tested against Stripe (the emulator, through the real SDK) and exactly the missing permissions are
// listed; secrets are sealed at rest and never returned or logged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REQUIRED_PERMISSIONS } from '../../server/stripe/required-permissions';
import { makeInstallation, makeStaffUser } from '../support/factories';
import { Agent } from '../support/http-agent';
import { startTestApp, type TestApp } from '../support/test-app';

let app: TestApp;
let admin: Agent;
let tech: Agent;
let installation: Awaited<ReturnType<typeof makeInstallation>>;
const ALL = REQUIRED_PERMISSIONS.map((p) => p.id);

async function accountKeys(secretKey: string): Promise<{ account: string; publishable_key: string }> {
  const res = await fetch(`${app.emulator!.url}/_emulator/accounts/keys`, { headers: { authorization: `Bearer ${secretKey}` } });
  return (await res.json()) as { account: string; publishable_key: string };
}

async function restrictedKey(secretKey: string, permissions: string[]): Promise<string> {
  const res = await fetch(`${app.emulator!.url}/_emulator/restricted_keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ permissions }),
  });
  return ((await res.json()) as { key: string }).key;
}

beforeAll(async () => {
  app = await startTestApp({ stripeEmulator: true });
  installation = await makeInstallation(app.db.database.knex);
  const a = await makeStaffUser(installation.scope, { role: 'admin' });
  const t = await makeStaffUser(installation.scope, { role: 'technician' });
  admin = new Agent(app.url);
  tech = new Agent(app.url);
  await admin.login('app', a.email, a.password);
  await tech.login('app', t.email, t.password);
});
afterAll(() => app?.close());

const connections = () => installation.scope.from('stripe_connections').select('*');

describe('connect with a restricted key', () => {
  it('refuses a full secret key with an explanation and stores nothing', async () => {
    const res = await admin.post('/api/app/stripe/connection/restricted-key', { restrictedKey: 'sk_test_abcdefghijklmnop', publishableKey: 'pk_test_abcdefghijklmnop' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('STRIPE_SECRET_KEY_REFUSED');
    expect(res.body.error.message).toMatch(/restricted key/);
    expect(await connections()).toEqual([]);
  });

  it('lists exactly the permissions the key lacks and stores nothing', async () => {
    const sk = 'sk_test_msp_partial_permissions';
    const keys = await accountKeys(sk);
    const rk = await restrictedKey(sk, ['rak_customer_write', 'rak_payment_intent_write', 'rak_event_read', 'rak_mandate_read', 'rak_dispute_read']);
    const res = await admin.post('/api/app/stripe/connection/restricted-key', { restrictedKey: rk, publishableKey: keys.publishable_key });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('STRIPE_KEY_MISSING_PERMISSIONS');
    expect(res.body.error.fields.map((f: { path: string }) => f.path).sort()).toEqual(
      ['rak_payment_method_write', 'rak_setup_intent_write', 'rak_charge_write', 'rak_webhook_write'].sort(),
    );
    expect(res.body.error.fields.find((f: { path: string }) => f.path === 'rak_webhook_write').message).toMatch(/Webhook Endpoints: Write/);
    expect(await connections()).toEqual([]);
  });

  it('refuses keys that Stripe does not accept, and malformed ones', async () => {
    const bad = await admin.post('/api/app/stripe/connection/restricted-key', { restrictedKey: 'rk_test_rak_doesnotexist_ff', publishableKey: 'pk_test_abcdefghijklmnop' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('STRIPE_KEY_INVALID');
    const mixed = await admin.post('/api/app/stripe/connection/restricted-key', { restrictedKey: 'rk_test_abcdefghijklmnop', publishableKey: 'pk_live_abcdefghijklmnop' });
    expect(mixed.status).toBe(400);
    expect(mixed.body.error.fields[0].path).toBe('publishableKey');
    expect(await connections()).toEqual([]);
  });

  it('is for admins only', async () => {
    const res = await tech.post('/api/app/stripe/connection/restricted-key', { restrictedKey: 'rk_test_abcdefghijklmnop', publishableKey: 'pk_test_abcdefghijklmnop' });
    expect(res.status).toBe(403);
  });

  it('connects a key with every permission: account and mode recorded, secrets sealed, never returned or logged', async () => {
    const sk = 'sk_test_msp_full_permissions';
    const keys = await accountKeys(sk);
    const rk = await restrictedKey(sk, ALL);
    const res = await admin.post('/api/app/stripe/connection/restricted-key', { restrictedKey: rk, publishableKey: keys.publishable_key });
    expect(res.status).toBe(201);
    expect(res.body.connection).toMatchObject({ connected: true, mode: 'restricted_key', accountId: keys.account, livemode: false, publishableKey: keys.publishable_key });
    expect(res.body.connection.permissions.every((p: { granted: boolean }) => p.granted)).toBe(true);
    // Settle created its webhook endpoint in the account, subscribed to the events it handles.
    expect(res.body.connection.webhookEndpointId).toMatch(/^we_/);
    const endpoints = await app.runtime.ctx.stripe.forSecret(sk).webhookEndpoints.list();
    expect(endpoints.data.map((e) => e.url)).toEqual([`http://127.0.0.1:3000/webhooks/stripe/${installation.id}`]);
    expect(endpoints.data[0]!.enabled_events).toContain('payment_intent.succeeded');
    expect(JSON.stringify(res.body)).not.toContain(rk);
    const [row] = await connections();
    expect(row.secret_enc).toMatch(/^v1\./);
    expect(JSON.stringify(row)).not.toContain(rk);
    expect(app.logs.join('\n')).not.toContain(rk);
    expect((await tech.get('/api/app/session')).body.stripe).toEqual({ connected: true, livemode: false, accountId: keys.account });
    expect((await tech.get('/api/app/stripe/connection')).body.connection.accountId).toBe(keys.account);

    // A new key for the same account replaces the credentials; another account is refused.
    const rotated = await restrictedKey(sk, ALL.concat(['rak_payout_read']));
    expect((await admin.post('/api/app/stripe/connection/restricted-key', { restrictedKey: rotated, publishableKey: keys.publishable_key })).status).toBe(201);
    expect(await connections()).toHaveLength(1);
    const otherSk = 'sk_test_some_other_msp_account';
    const other = await admin.post('/api/app/stripe/connection/restricted-key', { restrictedKey: await restrictedKey(otherSk, ALL), publishableKey: (await accountKeys(otherSk)).publishable_key });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('STRIPE_ACCOUNT_MISMATCH');

    const disconnected = await admin.request('DELETE', '/api/app/stripe/connection');
    expect(disconnected.status).toBe(200);
    expect(disconnected.body.connection.connected).toBe(false);
    const actions = (await installation.scope.from('audit_log').where('action', 'like', 'stripe.%').orderBy('id').pluck('action')) as string[];
    expect(actions).toEqual(['stripe.connected', 'stripe.credentials_replaced', 'stripe.disconnected']);
  });
});

describe('installation settings', () => {
  const valid = {
    currency: 'USD',
    timezone: 'America/Chicago',
    paymentMethods: { card: true, usBankAccount: true },
    autopay: { runAt: '08:30', retryScheduleDays: [3, 5, 7], achMaxRetries: 1, maxAmount: 500000 },
    partialPayments: { allowed: true, minimum: 2500 },
    underpaymentTolerance: 500,
  };

  it('saves a valid policy, audits before and after, and technicians can read it', async () => {
    const res = await admin.request('PUT', '/api/app/settings', { json: valid });
    expect(res.status).toBe(200);
    expect(res.body.settings).toMatchObject({ ...valid, achAvailable: true });
    expect((await tech.get('/api/app/settings')).body.settings.autopay.runAt).toBe('08:30');
    expect((await tech.request('PUT', '/api/app/settings', { json: valid })).status).toBe(403);
    const audit = await installation.scope.from('audit_log').where({ action: 'settings.updated' }).first();
    expect(audit.details.after.timezone).toBe('America/Chicago');
  });

  it('refuses ACH outside USD, bad times and schedules, with the fields named, and changes nothing', async () => {
    const before = (await admin.get('/api/app/settings')).body.settings;
    const cases: Array<[object, string]> = [
      [{ ...valid, currency: 'EUR' }, 'paymentMethods.usBankAccount'],
      [{ ...valid, autopay: { ...valid.autopay, runAt: '25:00' } }, 'autopay.runAt'],
      [{ ...valid, autopay: { ...valid.autopay, retryScheduleDays: [5, 3] } }, 'autopay.retryScheduleDays'],
      [{ ...valid, timezone: 'Mars/Olympus' }, 'timezone'],
      [{ ...valid, paymentMethods: { card: false, usBankAccount: false } }, 'paymentMethods'],
      [{ ...valid, surprise: true }, 'surprise'],
    ];
    for (const [body, path] of cases) {
      const res = await admin.request('PUT', '/api/app/settings', { json: body });
      expect(res.status, path).toBe(400);
      expect(res.body.error.fields.map((f: { path: string }) => f.path)).toContain(path);
    }
    expect((await admin.get('/api/app/settings')).body.settings).toEqual(before);
  });
});
