import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseForm } from '../http/parse-form.js';
import { startTestEmulator, type TestEmulator } from '../test-support/start-emulator.js';

let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator();
});
afterAll(async () => {
  await t.emulator.close();
});

describe('form parsing', () => {
  it('parses nested brackets, indexed and appended arrays', () => {
    expect(parseForm('a[b][c]=1&x[0]=p&x[1]=q&y[]=m&y[]=n&e=&s=a+b%26c')).toEqual({
      a: { b: { c: '1' } },
      x: ['p', 'q'],
      y: ['m', 'n'],
      e: '',
      s: 'a b&c',
    });
  });
});

describe('errors and auth', () => {
  it('rejects a missing or malformed key with 401', async () => {
    const res = await fetch(`${t.emulator.url}/v1/customers`);
    expect(res.status).toBe(401);
    expect(res.headers.get('request-id')).toMatch(/^req_/);
    const bad = t.client({ key: 'sk_live_nope' });
    await expect(bad.customers.list()).rejects.toMatchObject({ statusCode: 401, type: 'StripeAuthenticationError' });
  });

  it('names an unknown parameter', async () => {
    const stripe = t.client();
    await expect(stripe.customers.create({ emial: 'x' } as Stripe.CustomerCreateParams)).rejects.toMatchObject({
      statusCode: 400,
      code: 'parameter_unknown',
      param: 'emial',
      message: 'Received unknown parameter: emial',
    });
    await expect(stripe.customers.create({ address: { town: 'x' } } as unknown as Stripe.CustomerCreateParams)).rejects.toMatchObject({
      param: 'address[town]',
      message: 'Received unknown parameter: address[town]',
    });
  });

  it('reports a missing required parameter', async () => {
    const stripe = t.client();
    await expect(stripe.paymentIntents.create({ currency: 'usd' } as Stripe.PaymentIntentCreateParams)).rejects.toMatchObject({
      statusCode: 400,
      code: 'parameter_missing',
      param: 'amount',
    });
  });

  it('404s an unknown id as resource_missing', async () => {
    const stripe = t.client();
    await expect(stripe.customers.retrieve('cus_nope')).rejects.toMatchObject({
      statusCode: 404,
      code: 'resource_missing',
      message: "No such customer: 'cus_nope'",
    });
  });

  it('refuses payment_method_types on intents', async () => {
    const stripe = t.client();
    const params = { amount: 100, currency: 'usd', payment_method_types: ['card'] } as unknown as Stripe.PaymentIntentCreateParams;
    await expect(stripe.paymentIntents.create(params)).rejects.toMatchObject({ statusCode: 400, code: 'payment_method_types_no_longer_supported' });
    const si = { payment_method_types: ['card'] } as unknown as Stripe.SetupIntentCreateParams;
    await expect(stripe.setupIntents.create(si)).rejects.toMatchObject({ code: 'payment_method_types_no_longer_supported' });
  });

  it('keeps accounts apart per key and per Stripe-Account', async () => {
    const a = t.client();
    const b = t.client();
    const c = await a.customers.create({ email: 'a@example.com' });
    await expect(b.customers.retrieve(c.id)).rejects.toMatchObject({ statusCode: 404 });
    const key = 'sk_test_platformkey123';
    const connected = t.emulator.control.connectAccount(key);
    const onConnected = t.client({ key, stripeAccount: connected });
    const cc = await onConnected.customers.create({ name: 'Connected' });
    await expect(t.client({ key }).customers.retrieve(cc.id)).rejects.toMatchObject({ statusCode: 404 });
    expect((await onConnected.customers.retrieve(cc.id)).id).toBe(cc.id);
    expect(t.emulator.control.accountIdForKey(key)).toBe(t.emulator.control.accountIdForKey(key));
  });
});

describe('pagination', () => {
  it('pages newest first and auto-paginates over more than 100 objects', async () => {
    const stripe = t.client();
    const ids: string[] = [];
    for (let i = 0; i < 105; i++) ids.push((await stripe.customers.create({ name: `c${i}` })).id);
    const first = await stripe.customers.list({ limit: 3 });
    expect(first.data.map((c) => c.id)).toEqual(ids.slice(-3).reverse());
    expect(first.has_more).toBe(true);
    expect(first.url).toBe('/v1/customers');
    const next = await stripe.customers.list({ limit: 3, starting_after: first.data[2]?.id });
    expect(next.data.map((c) => c.id)).toEqual(ids.slice(-6, -3).reverse());
    const prev = await stripe.customers.list({ limit: 3, ending_before: next.data[0]?.id });
    expect(prev.data.map((c) => c.id)).toEqual(first.data.map((c) => c.id));
    const seen: string[] = [];
    for await (const c of stripe.customers.list({ limit: 100 })) seen.push(c.id);
    expect(seen).toEqual([...ids].reverse());
    await expect(stripe.customers.list({ limit: 101 })).rejects.toMatchObject({ statusCode: 400, param: 'limit' });
    await expect(stripe.customers.list({ limit: 0 })).rejects.toMatchObject({ statusCode: 400, param: 'limit' });
  });
});

describe('idempotency', () => {
  it('replays the first response for the same key and params', async () => {
    const stripe = t.client();
    const a = await stripe.customers.create({ email: 'i@example.com' }, { idempotencyKey: 'k1' });
    const b = await stripe.customers.create({ email: 'i@example.com' }, { idempotencyKey: 'k1' });
    expect(b.id).toBe(a.id);
    expect(b.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect((await stripe.customers.list({ email: 'i@example.com' })).data).toHaveLength(1);
  });

  it('rejects the same key with different params', async () => {
    const stripe = t.client();
    await stripe.customers.create({ email: 'x@example.com' }, { idempotencyKey: 'k2' });
    await expect(stripe.customers.create({ email: 'y@example.com' }, { idempotencyKey: 'k2' })).rejects.toMatchObject({
      statusCode: 400,
      type: 'StripeIdempotencyError',
    });
  });

  it('never executes concurrent same-key requests twice', async () => {
    const stripe = t.client();
    const results = await Promise.all(
      Array.from({ length: 8 }, () => stripe.paymentIntents.create({ amount: 500, currency: 'usd', payment_method: 'pm_card_visa', confirm: true }, { idempotencyKey: 'k3' })),
    );
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect((await stripe.paymentIntents.list()).data).toHaveLength(1);
    expect((await stripe.charges.list()).data).toHaveLength(1);
  });

  it('replays errors and scopes keys per account', async () => {
    const stripe = t.client();
    const params = { amount: 500, currency: 'usd', payment_method: 'pm_card_visa_chargeDeclined', confirm: true };
    const e1 = await stripe.paymentIntents.create(params, { idempotencyKey: 'k4' }).catch((e: Stripe.errors.StripeError) => e);
    const e2 = await stripe.paymentIntents.create(params, { idempotencyKey: 'k4' }).catch((e: Stripe.errors.StripeError) => e);
    expect(e1).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect((e2 as Stripe.errors.StripeError).payment_intent?.id).toBe((e1 as Stripe.errors.StripeError).payment_intent?.id);
    expect((e2 as Stripe.errors.StripeError).headers?.['idempotent-replayed']).toBe('true');
    const other = await t.client().customers.create({}, { idempotencyKey: 'k4' });
    expect(other.object).toBe('customer');
  });

  it('expires keys after 24 hours of emulator time', async () => {
    const stripe = t.client();
    const a = await stripe.customers.create({ name: 'e' }, { idempotencyKey: 'k5' });
    t.emulator.control.advanceTime(24 * 3600 + 1);
    const b = await stripe.customers.create({ name: 'e' }, { idempotencyKey: 'k5' });
    expect(b.id).not.toBe(a.id);
  });
});
