// GET /v1/payment_intents/search through the SDK: metadata, status, customer and amount clauses,
// AND/OR, paging, and unsupported fields refused the way Stripe refuses them.
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../test-support/start-emulator.js';

let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator({});
});
afterAll(async () => {
  await t.emulator.close();
});

describe('payment intent search', () => {
  it('finds intents by metadata and other fields, pages, and refuses unknown fields', async () => {
    const stripe = t.client();
    const customer = await stripe.customers.create({ name: 'Search Co' });
    const make = (amount: number, attempt: string, confirm: boolean) =>
      stripe.paymentIntents.create({ amount, currency: 'usd', customer: customer.id, payment_method: 'pm_card_visa', allowed_payment_method_types: ['card'], confirm, metadata: { settle_charge_attempt_id: attempt } });
    const a = await make(1_000, 'att-a', true);
    const b = await make(2_000, 'att-b', false);
    const c = await make(3_000, 'att-c', true);
    const ids = (r: Stripe.ApiSearchResult<Stripe.PaymentIntent>) => r.data.map((pi) => pi.id);

    expect(ids(await stripe.paymentIntents.search({ query: "metadata['settle_charge_attempt_id']:'att-b'" }))).toEqual([b.id]);
    expect(ids(await stripe.paymentIntents.search({ query: "metadata['settle_charge_attempt_id']:'nope'" }))).toEqual([]);
    expect(ids(await stripe.paymentIntents.search({ query: `status:'succeeded' AND customer:'${customer.id}'` }))).toEqual([c.id, a.id]);
    expect(ids(await stripe.paymentIntents.search({ query: "amount>1500 AND -status:'succeeded'" }))).toEqual([b.id]);
    expect(ids(await stripe.paymentIntents.search({ query: "metadata['settle_charge_attempt_id']:'att-a' OR amount:3000" }))).toEqual([c.id, a.id]);

    const first = await stripe.paymentIntents.search({ query: `customer:'${customer.id}'`, limit: 2 });
    expect(first).toMatchObject({ object: 'search_result', has_more: true });
    const second = await stripe.paymentIntents.search({ query: `customer:'${customer.id}'`, limit: 2, page: first.next_page! });
    expect([...ids(first), ...ids(second)]).toEqual([c.id, b.id, a.id]);

    const refused = await stripe.paymentIntents.search({ query: "email:'x@y.z'" }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect((refused as Stripe.errors.StripeError).message).toMatch(/unsupported search field for payment_intents/);
  });
});
