import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomAlphanumeric } from '../core/ids.js';
import { startTestEmulator, waitFor, type TestEmulator } from '../test-support/start-emulator.js';

let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator({ bankSettlementDelayMs: 30 });
});
afterAll(async () => {
  await t.emulator.close();
});

const mandate_data = { customer_acceptance: { type: 'online' as const, online: { ip_address: '127.0.0.1', user_agent: 'vitest' } } };

/** Calls the API like Stripe.js does: publishable key, form body. */
async function asBrowser(pk: string, method: 'GET' | 'POST', path: string, body: Record<string, string> = {}) {
  const form = new URLSearchParams(body).toString();
  const res = await fetch(`${t.emulator.url}${path}${method === 'GET' && form ? `?${form}` : ''}`, {
    method,
    headers: { Authorization: `Bearer ${pk}`, 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'http://app.test' },
    body: method === 'POST' ? form : undefined,
  });
  return { status: res.status, cors: res.headers.get('access-control-allow-origin'), body: (await res.json()) as any };
}

async function connect(platformKey: string, decision: 'allow' | 'deny' = 'allow') {
  const { client_id } = t.emulator.control.accountKeys(platformKey);
  const authorize = `${t.emulator.url}/oauth/authorize?response_type=code&client_id=${client_id}&scope=read_write&state=st4te&redirect_uri=${encodeURIComponent('http://settle.test/oauth/callback')}`;
  const page = await fetch(authorize);
  const html = await page.text();
  expect(page.status).toBe(200);
  const account = /id="account">(acct_[A-Za-z0-9]+)/.exec(html)?.[1] ?? '';
  expect(html).toContain('Connect</button>');
  expect(html).toContain('Deny</button>');
  const form = new URLSearchParams({ client_id, redirect_uri: 'http://settle.test/oauth/callback', state: 'st4te', scope: 'read_write', stripe_user_id: account, decision });
  const res = await fetch(`${t.emulator.url}/oauth/authorize`, { method: 'POST', body: form, redirect: 'manual', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  expect(res.status).toBe(302);
  return { account, location: new URL(res.headers.get('location') ?? '') };
}

describe('OAuth (Connect / Stripe Apps)', () => {
  it('authorizes, exchanges the code, uses and refreshes the token, deauthorizes', async () => {
    const platformKey = `sk_test_${randomAlphanumeric(20)}`;
    const platform = t.client({ key: platformKey });
    const { account, location } = await connect(platformKey);
    expect(location.origin + location.pathname).toBe('http://settle.test/oauth/callback');
    expect(location.searchParams.get('state')).toBe('st4te');
    const code = location.searchParams.get('code') ?? '';
    expect(code).toMatch(/^ac_/);
    const token = await platform.oauth.token({ grant_type: 'authorization_code', code });
    expect(token).toMatchObject({ stripe_user_id: account, livemode: false, scope: 'read_write', token_type: 'bearer' });
    expect(token.stripe_publishable_key).toMatch(/^pk_test_/);

    const connected = t.client({ key: token.access_token ?? '' });
    const customer = await connected.customers.create({ email: 'msp@connected.test' });
    expect((await t.client({ key: platformKey, stripeAccount: account }).customers.retrieve(customer.id)).id).toBe(customer.id);
    await expect(platform.customers.retrieve(customer.id)).rejects.toMatchObject({ statusCode: 404 });
    expect(t.emulator.control.accountKeys(token.access_token ?? '')).toMatchObject({ account, publishable_key: token.stripe_publishable_key });

    const refreshed = await platform.oauth.token({ grant_type: 'refresh_token', refresh_token: token.refresh_token ?? '' });
    expect(refreshed.access_token).not.toBe(token.access_token);
    await expect(connected.customers.list()).rejects.toMatchObject({ statusCode: 401 });
    const renewed = t.client({ key: refreshed.access_token ?? '' });
    expect((await renewed.customers.list()).data.map((c) => c.id)).toEqual([customer.id]);

    const viaPlatform = t.client({ key: platformKey, stripeAccount: account });
    expect((await viaPlatform.events.list({ type: 'account.application.authorized' })).data).toHaveLength(1);

    // A second use of a code is an attack signal: Stripe revokes what the code issued.
    await expect(platform.oauth.token({ grant_type: 'authorization_code', code })).rejects.toBeInstanceOf(Stripe.errors.StripeInvalidGrantError);
    await expect(renewed.customers.list()).rejects.toMatchObject({ statusCode: 401 });
    await expect(platform.oauth.token({ grant_type: 'refresh_token', refresh_token: token.refresh_token ?? '' })).rejects.toMatchObject({ type: 'StripeInvalidGrantError' });

    const { client_id } = t.emulator.control.accountKeys(platformKey);
    expect(await platform.oauth.deauthorize({ client_id, stripe_user_id: account })).toMatchObject({ stripe_user_id: account });
    await expect(viaPlatform.customers.list()).rejects.toMatchObject({ statusCode: 403 });
    await expect(platform.oauth.deauthorize({ client_id, stripe_user_id: account })).rejects.toMatchObject({ type: 'StripeInvalidClientError' });
  });

  it('reports OAuth errors in Stripe shape and expires codes', async () => {
    const platformKey = `sk_test_${randomAlphanumeric(20)}`;
    const res = await fetch(`${t.emulator.url}/v1/oauth/token`, { method: 'POST', headers: { Authorization: `Bearer ${platformKey}`, 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'grant_type=authorization_code&code=ac_nope' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'invalid_grant', error_description: 'Authorization code does not exist: ac_nope' });
    const other = t.client({ key: platformKey });
    await expect(other.oauth.token({ grant_type: 'client_credentials' as 'authorization_code' })).rejects.toMatchObject({ type: 'StripeUnsupportedGrantTypeError' });
    const { location } = await connect(platformKey);
    t.emulator.control.advanceTime(301);
    await expect(other.oauth.token({ grant_type: 'authorization_code', code: location.searchParams.get('code') ?? '' })).rejects.toMatchObject({ message: expect.stringContaining('expired') });
    const denied = await connect(platformKey, 'deny');
    expect(Object.fromEntries(denied.location.searchParams)).toMatchObject({ error: 'access_denied', state: 'st4te' });
    expect(denied.location.searchParams.get('error_description')).toBeTruthy();
  });
});

describe('publishable keys and client-side calls', () => {
  it('maps pk to the secret key account and allows only client-side operations', async () => {
    const key = `sk_test_${randomAlphanumeric(20)}`;
    const stripe = t.client({ key });
    const keysRes = await fetch(`${t.emulator.url}/_emulator/accounts/keys`, { headers: { Authorization: `Bearer ${key}` } });
    const keys = (await keysRes.json()) as { publishable_key: string; account: string };
    expect(keys).toEqual(t.emulator.control.accountKeys(key));
    const pk = keys.publishable_key;
    const c = await stripe.customers.create({});
    const si = await stripe.setupIntents.create({ customer: c.id, allowed_payment_method_types: ['card', 'us_bank_account'] });

    const listed = await asBrowser(pk, 'GET', '/v1/customers');
    expect(listed.status).toBe(401);
    expect(listed.body.error.message).toContain('publishable API key');
    expect((await asBrowser(pk, 'GET', `/v1/setup_intents/${si.id}`)).body.error).toMatchObject({ param: 'client_secret' });
    expect((await asBrowser(pk, 'GET', `/v1/setup_intents/${si.id}`, { client_secret: `${si.id}_secret_wrong` })).status).toBe(400);
    const got = await asBrowser(pk, 'GET', `/v1/setup_intents/${si.id}`, { client_secret: si.client_secret ?? '' });
    expect(got).toMatchObject({ status: 200, cors: 'http://app.test', body: { id: si.id, payment_method_types: ['card', 'us_bank_account'] } });
    expect((await asBrowser('pk_test_51madeupkeyABCDEFGH', 'GET', `/v1/setup_intents/${si.id}`)).status).toBe(401);

    const confirmed = await asBrowser(pk, 'POST', `/v1/setup_intents/${si.id}/confirm`, {
      client_secret: si.client_secret ?? '',
      'payment_method_data[type]': 'us_bank_account',
      'payment_method_data[us_bank_account][routing_number]': '110000000',
      'payment_method_data[us_bank_account][account_number]': '000123456789',
      'payment_method_data[billing_details][name]': 'Jenny Rosen',
      'mandate_data[customer_acceptance][type]': 'online',
      'mandate_data[customer_acceptance][online][infer_from_client]': 'true',
    });
    expect(confirmed.body).toMatchObject({ status: 'requires_action', next_action: { type: 'verify_with_microdeposits' } });
    const verified = await asBrowser(pk, 'POST', `/v1/setup_intents/${si.id}/verify_microdeposits`, { client_secret: si.client_secret ?? '', descriptor_code: 'SM11AA' });
    expect(verified.body.status).toBe('succeeded');
    const mandate = await stripe.mandates.retrieve(verified.body.mandate);
    expect(mandate.customer_acceptance.online).toMatchObject({ ip_address: expect.stringMatching(/127\.0\.0\.1/), user_agent: expect.any(String) });

    const pm = await asBrowser(pk, 'POST', '/v1/payment_methods', { type: 'card', 'card[number]': '4242424242424242', 'card[exp_month]': '12', 'card[exp_year]': '2040' });
    expect(pm.body.id).toMatch(/^pm_/);
    expect((await asBrowser(pk, 'POST', '/v1/payment_methods', { type: 'card', 'card[number]': '4242424242424242', 'card[exp_month]': '12', 'card[exp_year]': '2040', customer: c.id })).status).toBe(400);
    const preflight = await fetch(`${t.emulator.url}/v1/setup_intents`, { method: 'OPTIONS', headers: { Origin: 'http://app.test', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
  });

  it('serves the Stripe.js stand-in', async () => {
    const res = await fetch(`${t.emulator.url}/js/stripe.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const js = await res.text();
    expect(js).toContain('confirmSetup');
    expect(js).toContain('verifyMicrodepositsForSetup');
  });
});

describe('fidelity gaps', () => {
  it('completes or fails 3-D Secure through the authentication page', async () => {
    const stripe = t.client();
    const c = await stripe.customers.create({});
    const pi = await stripe.paymentIntents.create({ amount: 1500, currency: 'usd', customer: c.id, payment_method: 'pm_card_authenticationRequired', confirm: true, return_url: 'http://settle.test/return' });
    expect(pi.status).toBe('requires_action');
    const url = pi.next_action?.redirect_to_url?.url ?? '';
    expect(pi.next_action?.redirect_to_url?.return_url).toBe('http://settle.test/return');
    expect(await (await fetch(url)).text()).toContain('Complete authentication');
    const res = await fetch(url, { method: 'POST', body: 'action=complete', redirect: 'manual', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect(res.status).toBe(302);
    const back = new URL(res.headers.get('location') ?? '');
    expect(Object.fromEntries(back.searchParams)).toMatchObject({ payment_intent: pi.id, redirect_status: 'succeeded' });
    expect(await stripe.paymentIntents.retrieve(pi.id)).toMatchObject({ status: 'succeeded', amount_received: 1500 });

    const si = await stripe.setupIntents.create({ customer: c.id, payment_method: 'pm_card_authenticationRequiredSetupForOffSession', confirm: true });
    expect(si.next_action?.type).toBe('use_stripe_sdk');
    const sdkUrl = (si.next_action?.use_stripe_sdk as { stripe_js: string }).stripe_js;
    const failed = await fetch(sdkUrl, { method: 'POST', body: 'action=fail', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect(await failed.text()).toContain('stripe-emulator-3ds');
    expect((await stripe.setupIntents.retrieve(si.id)).last_setup_error?.code).toBe('setup_intent_authentication_failure');
    expect((await stripe.events.list({ type: 'setup_intent.setup_failed' })).data).toHaveLength(1);
  });

  it('verifies micro-deposits on a PaymentIntent, then debits', async () => {
    const stripe = t.client();
    const c = await stripe.customers.create({});
    const pi = await stripe.paymentIntents.create({
      amount: 7700,
      currency: 'usd',
      customer: c.id,
      confirm: true,
      mandate_data,
      payment_method_data: { type: 'us_bank_account', us_bank_account: { routing_number: '110000000', account_number: '000123456789' }, billing_details: { name: 'ACH Payer' } },
    });
    expect(pi.status).toBe('requires_action');
    expect(pi.next_action?.verify_with_microdeposits?.hosted_verification_url).toContain(pi.id);
    await expect(stripe.paymentIntents.verifyMicrodeposits(pi.id, { descriptor_code: 'SM00XX' })).rejects.toMatchObject({ code: 'payment_method_microdeposit_verification_descriptor_code_mismatch' });
    const verified = await stripe.paymentIntents.verifyMicrodeposits(pi.id, { descriptor_code: 'SM11AA' });
    expect(verified.status).toBe('processing');
    await waitFor(() => stripe.paymentIntents.retrieve(pi.id), (p) => p.status === 'succeeded');
    const charge = await stripe.charges.retrieve(verified.latest_charge as string);
    expect(charge.payment_method_details?.us_bank_account?.mandate).toMatch(/^mandate_/);

    const timedOut = await stripe.paymentIntents.create({ amount: 100, currency: 'usd', confirm: true, mandate_data, payment_method_data: { type: 'us_bank_account', us_bank_account: { routing_number: '110000000', account_number: '000123456789' }, billing_details: { name: 'x' } } });
    const err = await stripe.paymentIntents.verifyMicrodeposits(timedOut.id, { descriptor_code: 'SM44DD' }).catch((e: Stripe.errors.StripeError) => e);
    expect(err).toMatchObject({ code: 'payment_method_microdeposit_verification_timeout' });
    expect((err as Stripe.errors.StripeError).payment_intent?.status).toBe('requires_payment_method');
  });

  it('honours created filters on lists', async () => {
    const stripe = t.client();
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: 1_800_000_000 });
    const early = await stripe.customers.create({ test_clock: clock.id });
    await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: 1_800_000_500 });
    await waitFor(() => stripe.testHelpers.testClocks.retrieve(clock.id), (x) => x.status === 'ready');
    const late = await stripe.customers.create({ test_clock: clock.id });
    expect((await stripe.customers.list({ created: { gte: 1_800_000_100 } })).data.map((x) => x.id)).toEqual([late.id]);
    expect((await stripe.customers.list({ created: { lt: 1_800_000_100 } })).data.map((x) => x.id)).toEqual([early.id]);
    expect((await stripe.customers.list({ created: 1_800_000_000 })).data.map((x) => x.id)).toEqual([early.id]);
    expect((await stripe.customers.list({ created: { gt: 1_800_000_000, lte: 1_800_000_500 } })).data.map((x) => x.id)).toEqual([late.id]);
    const events = await stripe.events.list({ created: { gte: Math.floor(Date.now() / 1000) + 3600 } });
    expect(events.data).toHaveLength(0);
    await expect(stripe.customers.list({ created: { gte: 'soon' as unknown as number } })).rejects.toMatchObject({ statusCode: 400, param: 'created[gte]' });
  });

  it('rate-limits per account per second, exactly, under concurrency', async () => {
    const emulator = await startTestEmulator();
    try {
      emulator.emulator.control.setFaults({ rateLimitPerSecond: 10 });
      const a = emulator.client();
      const b = emulator.client();
      const burst = async (stripe: Stripe) => (await Promise.allSettled(Array.from({ length: 30 }, () => stripe.customers.list({ limit: 1 })))).map((r) => (r.status === 'fulfilled' ? 200 : (r.reason as Stripe.errors.StripeError).statusCode));
      const [ra, rb] = await Promise.all([burst(a), burst(b)]);
      expect(ra.filter((s) => s === 200)).toHaveLength(10);
      expect(ra.filter((s) => s === 429)).toHaveLength(20);
      expect(rb.filter((s) => s === 200)).toHaveLength(10);
      const again = await burst(a);
      expect(again.filter((s) => s === 200).length).toBeLessThanOrEqual(10);
    } finally {
      await emulator.emulator.close();
    }
  });
});
