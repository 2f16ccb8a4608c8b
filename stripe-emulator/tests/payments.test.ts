import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, waitFor, type TestEmulator } from '../test-support/start-emulator.js';

let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator({ bankSettlementDelayMs: 30 });
});
afterAll(async () => {
  await t.emulator.close();
});

const mandate_data = { customer_acceptance: { type: 'online' as const, online: { ip_address: '127.0.0.1', user_agent: 'vitest' } } };
const bank = (account: string) => ({
  type: 'us_bank_account' as const,
  us_bank_account: { routing_number: '110000000', account_number: account, account_holder_type: 'company' as const, account_type: 'checking' as const },
  billing_details: { name: 'Acme MSP' },
});

describe('customers', () => {
  it('creates, updates metadata, filters, searches and deletes', async () => {
    const stripe = t.client();
    const c = await stripe.customers.create({ email: 'ops@acme.test', name: 'Acme Ops', metadata: { a: '1', b: '2' } });
    expect(c).toMatchObject({ object: 'customer', livemode: false, email: 'ops@acme.test', metadata: { a: '1', b: '2' }, test_clock: null });
    expect(c.id).toMatch(/^cus_[A-Za-z0-9]{14,}$/);
    const u = await stripe.customers.update(c.id, { metadata: { a: '', c: '3' } });
    expect(u.metadata).toEqual({ b: '2', c: '3' });
    await stripe.customers.create({ email: 'other@acme.test', name: 'Other' });
    expect((await stripe.customers.list({ email: 'ops@acme.test' })).data.map((x) => x.id)).toEqual([c.id]);
    expect((await stripe.customers.search({ query: "email:'ops@acme.test'" })).data.map((x) => x.id)).toEqual([c.id]);
    expect((await stripe.customers.search({ query: "name~'acme'" })).data.map((x) => x.id)).toEqual([c.id]);
    const events = await stripe.events.list({ type: 'customer.updated' });
    expect(events.data[0]?.data.previous_attributes).toEqual({ metadata: { a: '1', c: null } });
    const d = await stripe.customers.del(c.id);
    expect(d).toMatchObject({ id: c.id, deleted: true });
    expect(await stripe.customers.retrieve(c.id)).toMatchObject({ deleted: true });
  });
});

describe('payment methods', () => {
  it('creates from tokens and raw numbers, attaches, sets default, lists and detaches', async () => {
    const stripe = t.client();
    const c = await stripe.customers.create({});
    const pm = await stripe.paymentMethods.attach('pm_card_visa', { customer: c.id });
    expect(pm.id).toMatch(/^pm_/);
    expect(pm.card).toMatchObject({ brand: 'visa', last4: '4242' });
    const raw = await stripe.paymentMethods.create({ type: 'card', card: { number: '5555555555554444', exp_month: 12, exp_year: 2040, cvc: '123' } });
    expect(raw.card?.brand).toBe('mastercard');
    const ach = await stripe.paymentMethods.create(bank('000123456789'));
    expect(ach.us_bank_account).toMatchObject({ last4: '6789', routing_number: '110000000', bank_name: 'STRIPE TEST BANK' });
    await stripe.paymentMethods.attach(ach.id, { customer: c.id });
    const updated = await stripe.customers.update(c.id, { invoice_settings: { default_payment_method: pm.id } });
    expect(updated.invoice_settings.default_payment_method).toBe(pm.id);
    expect((await stripe.paymentMethods.list({ customer: c.id, type: 'card' })).data.map((p) => p.id)).toEqual([pm.id]);
    expect((await stripe.customers.listPaymentMethods(c.id)).data).toHaveLength(2);
    const expanded = await stripe.customers.retrieve(c.id, { expand: ['invoice_settings.default_payment_method'] });
    expect(((expanded as Stripe.Customer).invoice_settings.default_payment_method as Stripe.PaymentMethod).id).toBe(pm.id);
    await stripe.paymentMethods.detach(pm.id);
    expect(((await stripe.customers.retrieve(c.id)) as Stripe.Customer).invoice_settings.default_payment_method).toBeNull();
  });

  it('refuses to attach 4000000000009995', async () => {
    const stripe = t.client();
    const c = await stripe.customers.create({});
    await expect(stripe.paymentMethods.attach('pm_card_visa_chargeDeclinedInsufficientFunds', { customer: c.id })).rejects.toMatchObject({
      statusCode: 402,
      code: 'card_declined',
      decline_code: 'insufficient_funds',
    });
    const raw = await stripe.paymentMethods.create({ type: 'card', card: { number: '4000000000009995', exp_month: 1, exp_year: 2040 } });
    await expect(stripe.paymentMethods.attach(raw.id, { customer: c.id })).rejects.toMatchObject({ decline_code: 'insufficient_funds' });
  });
});

describe('setup intents', () => {
  it('sets up a card off-session', async () => {
    const stripe = t.client();
    const c = await stripe.customers.create({});
    const si = await stripe.setupIntents.create({ customer: c.id, payment_method: 'pm_card_visa', confirm: true, allowed_payment_method_types: ['card'] });
    expect(si).toMatchObject({ status: 'succeeded', usage: 'off_session', payment_method_types: ['card'] });
    const pm = await stripe.paymentMethods.retrieve(si.payment_method as string);
    expect(pm.customer).toBe(c.id);
  });

  it('runs the micro-deposit flow with descriptor codes and creates a mandate', async () => {
    const stripe = t.client();
    const c = await stripe.customers.create({});
    const pm = await stripe.paymentMethods.create(bank('000123456789'));
    const si = await stripe.setupIntents.create({
      customer: c.id,
      payment_method: pm.id,
      confirm: true,
      mandate_data,
      allowed_payment_method_types: ['us_bank_account'],
      payment_method_options: { us_bank_account: { verification_method: 'microdeposits' } },
    });
    expect(si.status).toBe('requires_action');
    const next = si.next_action?.verify_with_microdeposits;
    expect(next?.microdeposit_type).toBe('descriptor_code');
    expect(next?.arrival_date).toBeGreaterThan(si.created);
    const page = await fetch(next?.hosted_verification_url ?? '');
    expect(page.status).toBe(200);
    await expect(stripe.setupIntents.verifyMicrodeposits(si.id, { descriptor_code: 'SM99ZZ' })).rejects.toMatchObject({
      code: 'payment_method_microdeposit_verification_descriptor_code_mismatch',
    });
    const done = await stripe.setupIntents.verifyMicrodeposits(si.id, { descriptor_code: 'SM11AA' });
    expect(done.status).toBe('succeeded');
    const mandate = await stripe.mandates.retrieve(done.mandate as string);
    expect(mandate).toMatchObject({ status: 'active', type: 'multi_use', payment_method: pm.id });
  });

  it('enforces amounts attempts and magic values', async () => {
    const emulator = await startTestEmulator({ microdepositType: 'amounts' });
    try {
      const stripe = emulator.client();
      const start = async () =>
        stripe.setupIntents.create({ payment_method_data: bank('000123456789'), confirm: true, mandate_data, allowed_payment_method_types: ['us_bank_account'] });
      const a = await start();
      expect(a.next_action?.verify_with_microdeposits?.microdeposit_type).toBe('amounts');
      expect((await stripe.setupIntents.verifyMicrodeposits(a.id, { amounts: [32, 45] })).status).toBe('succeeded');
      const b = await start();
      await expect(stripe.setupIntents.verifyMicrodeposits(b.id, { amounts: [1, 2] })).rejects.toMatchObject({ code: 'payment_method_microdeposit_verification_amounts_mismatch' });
      await expect(stripe.setupIntents.verifyMicrodeposits(b.id, { amounts: [1, 2] })).rejects.toMatchObject({ code: 'payment_method_microdeposit_verification_amounts_mismatch' });
      await expect(stripe.setupIntents.verifyMicrodeposits(b.id, { amounts: [1, 2] })).rejects.toMatchObject({ code: 'payment_method_microdeposit_verification_attempts_exceeded' });
      expect((await stripe.setupIntents.retrieve(b.id)).status).toBe('requires_payment_method');
      const c = await start();
      await expect(stripe.setupIntents.verifyMicrodeposits(c.id, { amounts: [10, 11] })).rejects.toMatchObject({ code: 'payment_method_microdeposit_verification_attempts_exceeded' });
      const d = await start();
      const err = await stripe.setupIntents.verifyMicrodeposits(d.id, { amounts: [40, 41] }).catch((e: Stripe.errors.StripeError) => e);
      expect(err).toMatchObject({ code: 'payment_method_microdeposit_verification_timeout' });
      expect((err as Stripe.errors.StripeError).setup_intent?.status).toBe('requires_payment_method');
    } finally {
      await emulator.emulator.close();
    }
  });

  it('times out micro-deposits after 10 days of test-clock time', async () => {
    const stripe = t.client();
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: 1_900_000_000 });
    const c = await stripe.customers.create({ test_clock: clock.id });
    const si = await stripe.setupIntents.create({ customer: c.id, payment_method_data: bank('000123456789'), confirm: true, mandate_data, payment_method_options: { us_bank_account: { verification_method: 'microdeposits' } } });
    expect(si.status).toBe('requires_action');
    await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: 1_900_000_000 + 9 * 86400 });
    await waitFor(() => stripe.testHelpers.testClocks.retrieve(clock.id), (x) => x.status === 'ready');
    expect((await stripe.setupIntents.retrieve(si.id)).status).toBe('requires_action');
    await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: 1_900_000_000 + 11 * 86400 });
    await waitFor(() => stripe.testHelpers.testClocks.retrieve(clock.id), (x) => x.status === 'ready');
    const after = await stripe.setupIntents.retrieve(si.id);
    expect(after.status).toBe('requires_payment_method');
    expect(after.last_setup_error?.code).toBe('payment_method_microdeposit_verification_timeout');
    const failed = await stripe.events.list({ type: 'setup_intent.setup_failed' });
    expect(failed.data[0]?.data.object).toMatchObject({ id: si.id });
  });

  it('cancels', async () => {
    const stripe = t.client();
    const si = await stripe.setupIntents.create({});
    expect((await stripe.setupIntents.cancel(si.id)).status).toBe('canceled');
  });
});

describe('payment intents', () => {
  it('charges a card and exposes latest_charge', async () => {
    const stripe = t.client();
    const pi = await stripe.paymentIntents.create({ amount: 1234, currency: 'usd', payment_method: 'pm_card_visa', confirm: true, metadata: { invoice: 'INV-1' } });
    expect(pi).toMatchObject({ status: 'succeeded', amount_received: 1234 });
    const charge = await stripe.charges.retrieve(pi.latest_charge as string);
    expect(charge).toMatchObject({ status: 'succeeded', amount: 1234, payment_intent: pi.id, paid: true });
    const expanded = await stripe.paymentIntents.retrieve(pi.id, { expand: ['latest_charge'] });
    expect((expanded.latest_charge as Stripe.Charge).id).toBe(charge.id);
    expect((await stripe.paymentIntents.list()).data.map((p) => p.id)).toEqual([pi.id]);
  });

  it.each([
    ['pm_card_chargeCustomerFail', 'card_declined', 'generic_decline'],
    ['pm_card_visa_chargeDeclined', 'card_declined', 'generic_decline'],
    ['pm_card_chargeDeclinedExpiredCard', 'expired_card', 'expired_card'],
    ['pm_card_chargeDeclinedIncorrectCvc', 'incorrect_cvc', 'incorrect_cvc'],
    ['pm_card_chargeDeclinedProcessingError', 'processing_error', 'processing_error'],
    ['pm_card_visa_chargeDeclinedInsufficientFunds', 'card_declined', 'insufficient_funds'],
  ])('declines %s with %s/%s', async (token, code, decline) => {
    const stripe = t.client();
    const err = await stripe.paymentIntents.create({ amount: 500, currency: 'usd', payment_method: token, confirm: true }).catch((e: Stripe.errors.StripeError) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(err).toMatchObject({ statusCode: 402, code, decline_code: decline });
    const pi = (err as Stripe.errors.StripeError).payment_intent;
    expect(pi?.status).toBe('requires_payment_method');
    expect(pi?.last_payment_error?.code).toBe(code);
  });

  it('fails off-session charges that need authentication', async () => {
    const stripe = t.client();
    const c = await stripe.customers.create({});
    const pm = await stripe.paymentMethods.attach('pm_card_authenticationRequired', { customer: c.id });
    await expect(
      stripe.paymentIntents.create({ amount: 500, currency: 'usd', customer: c.id, payment_method: pm.id, off_session: true, confirm: true }),
    ).rejects.toMatchObject({ statusCode: 402, code: 'authentication_required' });
    const onSession = await stripe.paymentIntents.create({ amount: 500, currency: 'usd', customer: c.id, payment_method: pm.id, confirm: true });
    expect(onSession.status).toBe('requires_action');
    await expect(
      stripe.paymentIntents.create({ amount: 500, currency: 'usd', customer: c.id, payment_method: pm.id, confirm: true, error_on_requires_action: true }),
    ).rejects.toMatchObject({ code: 'authentication_required' });
  });

  it('saves a card with setup_future_usage and cancels an unconfirmed intent', async () => {
    const stripe = t.client();
    const c = await stripe.customers.create({});
    const pi = await stripe.paymentIntents.create({ amount: 700, currency: 'usd', customer: c.id, payment_method: 'pm_card_mastercard', setup_future_usage: 'off_session', confirm: true });
    expect((await stripe.paymentMethods.retrieve(pi.payment_method as string)).customer).toBe(c.id);
    const open = await stripe.paymentIntents.create({ amount: 700, currency: 'usd' });
    expect((await stripe.paymentIntents.cancel(open.id)).status).toBe('canceled');
  });

  it('settles ACH after the configured delay and fails per test account', async () => {
    const stripe = t.client();
    const c = await stripe.customers.create({});
    const pay = async (account: string) => {
      const si = await stripe.setupIntents.create({ customer: c.id, payment_method_data: bank(account), confirm: true, mandate_data, payment_method_options: { us_bank_account: { verification_method: 'microdeposits' } } });
      await stripe.setupIntents.verifyMicrodeposits(si.id, { descriptor_code: 'SM11AA' });
      return stripe.paymentIntents.create({ amount: 9900, currency: 'usd', customer: c.id, payment_method: si.payment_method as string, off_session: true, confirm: true });
    };
    const ok = await pay('000123456789');
    expect(ok.status).toBe('processing');
    const closed = await pay('000111111113');
    await waitFor(() => stripe.paymentIntents.retrieve(ok.id), (p) => p.status === 'succeeded');
    const failed = await waitFor(() => stripe.paymentIntents.retrieve(closed.id), (p) => p.status === 'requires_payment_method');
    expect(failed.last_payment_error?.code).toBe('account_closed');
    expect((await stripe.charges.retrieve(failed.latest_charge as string)).failure_code).toBe('account_closed');
  });

  it('settles ACH after 4 business days of test-clock time', async () => {
    const stripe = t.client();
    const start = 1_900_000_000; // a Monday? business-day maths handles any weekday
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: start });
    const c = await stripe.customers.create({ test_clock: clock.id });
    const pi = await stripe.paymentIntents.create({ amount: 100, currency: 'usd', customer: c.id, payment_method: 'pm_usBankAccount_success', mandate_data, confirm: true });
    expect(pi.status).toBe('processing');
    await new Promise((r) => setTimeout(r, 100));
    expect((await stripe.paymentIntents.retrieve(pi.id)).status).toBe('processing');
    await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: start + 7 * 86400 });
    await waitFor(() => stripe.testHelpers.testClocks.retrieve(clock.id), (x) => x.status === 'ready');
    expect((await stripe.paymentIntents.retrieve(pi.id)).status).toBe('succeeded');
    const types = (await stripe.events.list({ limit: 100 })).data.map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['payment_intent.processing', 'payment_intent.succeeded', 'charge.pending', 'charge.succeeded']));
  });
});
