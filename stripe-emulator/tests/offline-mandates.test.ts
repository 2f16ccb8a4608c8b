// Mandates accepted offline (a phone call, a signed form): a server confirming a bank account's
// SetupIntent with a secret key may send customer_acceptance {type: 'offline'}, and the mandate
// records it (with the given accepted_at); Stripe.js, with a publishable key, may send only online
// acceptances — an offline one is refused and the intent is left as it was.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomAlphanumeric } from '../core/ids.js';
import { startTestEmulator, type TestEmulator } from '../test-support/start-emulator.js';

let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator({ bankSettlementDelayMs: 30 });
});
afterAll(async () => {
  await t.emulator.close();
});

const bank = { type: 'us_bank_account' as const, us_bank_account: { routing_number: '110000000', account_number: '000123456789', account_holder_type: 'company' as const, account_type: 'checking' as const }, billing_details: { name: 'Contoso Ltd' } };

async function asBrowser(pk: string, path: string, body: Record<string, string>) {
  const res = await fetch(`${t.emulator.url}${path}`, { method: 'POST', headers: { Authorization: `Bearer ${pk}`, 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body).toString() });
  return { status: res.status, body: (await res.json()) as any };
}

describe('offline mandate acceptance', () => {
  it('a secret-key confirm records an offline acceptance on the mandate', async () => {
    const stripe = t.client();
    const c = await stripe.customers.create({ name: 'Contoso' });
    const pm = await stripe.paymentMethods.create(bank);
    const si = await stripe.setupIntents.create({ customer: c.id, allowed_payment_method_types: ['us_bank_account'], payment_method: pm.id });
    expect(si.status).toBe('requires_confirmation');
    const acceptedAt = Math.floor(Date.now() / 1000) - 120;
    const confirmed = await stripe.setupIntents.confirm(si.id, { mandate_data: { customer_acceptance: { type: 'offline', accepted_at: acceptedAt, offline: {} } } });
    expect(confirmed.status).toBe('requires_action');
    expect(confirmed.next_action?.type).toBe('verify_with_microdeposits');
    const verified = await stripe.setupIntents.verifyMicrodeposits(si.id, confirmed.next_action?.verify_with_microdeposits?.microdeposit_type === 'descriptor_code' ? { descriptor_code: 'SM11AA' } : { amounts: [32, 45] });
    expect(verified.status).toBe('succeeded');
    const mandate = await stripe.mandates.retrieve(verified.mandate as string);
    expect(mandate.customer_acceptance).toMatchObject({ type: 'offline', accepted_at: acceptedAt, offline: {} });
    expect(mandate.customer_acceptance.online ?? null).toBeNull();
    expect(mandate).toMatchObject({ status: 'active', payment_method: pm.id, type: 'multi_use' });
  });

  it('a publishable-key confirm may not send an offline acceptance', async () => {
    const key = `sk_test_${randomAlphanumeric(20)}`;
    const stripe = t.client({ key });
    const pk = t.emulator.control.accountKeys(key).publishable_key;
    const c = await stripe.customers.create({});
    const si = await stripe.setupIntents.create({ customer: c.id, allowed_payment_method_types: ['us_bank_account'] });
    const refused = await asBrowser(pk, `/v1/setup_intents/${si.id}/confirm`, {
      client_secret: si.client_secret ?? '',
      'payment_method_data[type]': 'us_bank_account',
      'payment_method_data[us_bank_account][routing_number]': '110000000',
      'payment_method_data[us_bank_account][account_number]': '000123456789',
      'payment_method_data[billing_details][name]': 'Jenny Rosen',
      'mandate_data[customer_acceptance][type]': 'offline',
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ type: 'invalid_request_error', param: 'mandate_data[customer_acceptance][type]' });
    expect((await stripe.setupIntents.retrieve(si.id)).status).toBe('requires_payment_method');

    const pi = await stripe.paymentIntents.create({ amount: 500, currency: 'usd', customer: c.id, allowed_payment_method_types: ['us_bank_account'] });
    const refusedPi = await asBrowser(pk, `/v1/payment_intents/${pi.id}/confirm`, {
      client_secret: pi.client_secret ?? '',
      payment_method: 'pm_usBankAccount_success',
      'mandate_data[customer_acceptance][type]': 'offline',
    });
    expect(refusedPi.status).toBe(400);
    expect(refusedPi.body.error.param).toBe('mandate_data[customer_acceptance][type]');
    expect((await stripe.paymentIntents.retrieve(pi.id)).status).toBe('requires_payment_method');
  });
});
