import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../test-support/start-emulator.js';

let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator();
});
afterAll(() => t.emulator.close());

async function restrictedKey(secretKey: string, permissions: string[]): Promise<string> {
  const res = await fetch(`${t.emulator.url}/_emulator/restricted_keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ permissions }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { key: string }).key;
}

describe('restricted keys', () => {
  it('act on their account with exactly their permissions; write implies read', async () => {
    const sk = 'sk_test_restricted_owner_account';
    const owner = t.client({ key: sk });
    const account = await owner.accounts.retrieveCurrent();
    const customer = await owner.customers.create({ email: 'a@b.example' });
    const rk = t.client({ key: await restrictedKey(sk, ['rak_customer_write', 'rak_event_read']) });

    expect((await rk.customers.retrieve(customer.id)).id).toBe(customer.id); // write implies read
    await rk.customers.update(customer.id, { name: 'Renamed' });
    expect((await rk.events.list({ limit: 1 })).data.length).toBe(1);

    const denied = await rk.paymentIntents.list().catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(Stripe.errors.StripePermissionError);
    const err = denied as Stripe.errors.StripePermissionError;
    expect(err.statusCode).toBe(403);
    expect(err.message).toContain(`on account '${account.id}'`);
    expect(err.message).toContain("Having the 'rak_payment_intent_read' permission would allow this request to continue.");

    const readOnly = t.client({ key: await restrictedKey(sk, ['rak_customer_read']) });
    await readOnly.customers.list();
    await expect(readOnly.customers.create({})).rejects.toThrow(/rak_customer_write/);
    const noAccount = await readOnly.accounts.retrieveCurrent().catch((e: unknown) => e);
    expect((noAccount as Error).message).toContain(`on account '${account.id}'`);
  });

  it('refuses unknown permission names and keys of accounts that do not exist', async () => {
    const res = await fetch(`${t.emulator.url}/_emulator/restricted_keys`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk_test_restricted_owner_account', 'content-type': 'application/json' },
      body: JSON.stringify({ permissions: ['rak_everything_write'] }),
    });
    expect(res.status).toBe(400);
    await expect(t.client({ key: 'rk_test_rak_nosuchaccount_3' }).customers.list()).rejects.toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
  });
});
