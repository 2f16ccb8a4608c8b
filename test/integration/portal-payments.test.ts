// Paying invoices from the portal, against the Stripe emulator through the real SDK: amounts come
// from the database, ACH stays processing until Stripe says succeeded, one payment in flight per
// invoice whatever the clicks and tabs, failures explained, receipts only for money that arrived,
// and bad input refused with nothing changed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeInvoice } from '../support/factories';
import { addPayingClient, makePayingClient, saveCard, saveVerifiedBankAccount } from '../support/payment-fixtures';
import { startTestApp, type TestApp } from '../support/test-app';

let app: TestApp;
let p: Awaited<ReturnType<typeof makePayingClient>>;

beforeAll(async () => {
  app = await startTestApp({ stripeEmulator: { bankSettlementDelayMs: 60_000 } });
  p = await makePayingClient(app);
});
afterAll(() => app?.close());

const knex = () => app.db.database.knex;
const invoiceRow = (id: string) => knex()('invoices').where({ id }).first('status', 'amount_paid', 'amount_remaining');
const emails = async (prefix: string) => (await knex()('outbox').where({ kind: 'email' }).where('dedupe_key', 'like', `${prefix}%`).select('dedupe_key', 'payload')) as Array<{ dedupe_key: string; payload: { subject: string } }>;
const count = async (table: string) => Number(((await knex()(table).count({ n: '*' })) as Array<{ n: number }>)[0]!.n);

async function waitFor<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 5000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > until) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('paying with a new card (the page confirms with Stripe.js)', () => {
  it('creates the intent for the amount in the database, and marks the invoice paid only after Stripe says succeeded', async () => {
    const inv = await makeInvoice(p.inst.scope, p.client.id, { total: 12_345, number: 'NEW-1' });
    const res = await p.agent.post('/api/portal/payments', { invoiceIds: [inv.id], methodType: 'card' });
    expect(res.status).toBe(201);
    expect(res.body.clientSecret).toMatch(/^pi_.*_secret_/);
    expect(res.body.payment).toMatchObject({ status: 'pending', amount: 12_345, currency: 'USD', invoices: [{ id: inv.id, number: 'NEW-1', amount: 12_345 }] });
    const intentId = res.body.clientSecret.split('_secret_')[0];
    const pi = await p.stripe.paymentIntents.retrieve(intentId);
    expect(pi).toMatchObject({ amount: 12_345, currency: 'usd', customer: p.customer.id, metadata: { settle_payment_id: res.body.payment.id, settle_client_id: p.client.id } });
    expect(await invoiceRow(inv.id)).toMatchObject({ status: 'open', amount_paid: 0 });
    // The invoice page says a payment is started but still offers to pay (an unsubmitted payment never blocks).
    const page = await p.agent.get(`/api/portal/invoices/${inv.id}`);
    expect(page.body.invoice).toMatchObject({ payable: true, paymentInFlight: null });

    await p.stripe.paymentIntents.confirm(intentId, { payment_method: 'pm_card_visa' }); // what Stripe.js does
    const refreshed = await p.agent.post(`/api/portal/payments/${res.body.payment.id}/refresh`, {});
    expect(refreshed.body.payment).toMatchObject({ status: 'succeeded', statusText: 'Paid', methodType: 'card', methodLabel: 'Visa •••• 4242', receiptAvailable: true });
    expect(await invoiceRow(inv.id)).toEqual({ status: 'paid', amount_paid: 12_345, amount_remaining: 0 });
    expect(await emails(`receipt:${res.body.payment.id}`)).toHaveLength(1);
    const receipt = await p.agent.get(`/api/portal/receipts/${res.body.payment.id}`);
    expect(receipt.body.receipt).toMatchObject({ clientName: p.client.name, invoices: [{ number: 'NEW-1', amount: 12_345, remaining: 0 }] });
    // Refreshing again changes nothing and sends nothing twice.
    await p.agent.post(`/api/portal/payments/${res.body.payment.id}/refresh`, {});
    expect(await emails(`receipt:${res.body.payment.id}`)).toHaveLength(1);
    expect(await invoiceRow(inv.id)).toEqual({ status: 'paid', amount_paid: 12_345, amount_remaining: 0 });
  });

  it('pays several invoices at once with the split stored before the intent', async () => {
    const a = await makeInvoice(p.inst.scope, p.client.id, { total: 1_000, number: 'MULTI-A' });
    const b = await makeInvoice(p.inst.scope, p.client.id, { total: 2_500, number: 'MULTI-B' });
    const res = await p.agent.post('/api/portal/payments', { invoiceIds: [a.id, b.id], methodType: 'card' });
    expect(res.status).toBe(201);
    expect(res.body.payment.amount).toBe(3_500);
    const split = await knex()('allocations').where({ payment_id: res.body.payment.id }).orderBy('amount').select('invoice_id', 'amount', 'state');
    expect(split).toEqual([
      { invoice_id: a.id, amount: 1_000, state: 'pending' },
      { invoice_id: b.id, amount: 2_500, state: 'pending' },
    ]);
    await p.stripe.paymentIntents.confirm(res.body.clientSecret.split('_secret_')[0], { payment_method: 'pm_card_visa' });
    await p.agent.post(`/api/portal/payments/${res.body.payment.id}/refresh`, {});
    expect((await invoiceRow(a.id))!.status).toBe('paid');
    expect((await invoiceRow(b.id))!.status).toBe('paid');
  });

  it('a second tab paying the same invoice cancels the first, unsubmitted intent in Stripe — it can no longer charge', async () => {
    const inv = await makeInvoice(p.inst.scope, p.client.id, { total: 5_000 });
    const tab1 = await p.agent.post('/api/portal/payments', { invoiceIds: [inv.id], methodType: 'card' });
    const tab2 = await p.agent.post('/api/portal/payments', { invoiceIds: [inv.id], methodType: 'card' });
    expect(tab2.status).toBe(201);
    const first = tab1.body.clientSecret.split('_secret_')[0];
    expect((await p.stripe.paymentIntents.retrieve(first)).status).toBe('canceled');
    await expect(p.stripe.paymentIntents.confirm(first, { payment_method: 'pm_card_visa' })).rejects.toThrow();
    expect((await p.agent.get(`/api/portal/payments/${tab1.body.payment.id}`)).body.payment.status).toBe('canceled');
  });
});

describe('paying with a saved method (the server confirms)', () => {
  it('ACH stays processing — not paid, no receipt — until Stripe says succeeded', async () => {
    const bank = await saveVerifiedBankAccount(p);
    const inv = await makeInvoice(p.inst.scope, p.client.id, { total: 80_000, number: 'ACH-1' });
    const res = await p.agent.post('/api/portal/payments', { invoiceIds: [inv.id], paymentMethodId: bank.id });
    expect(res.status).toBe(201);
    expect(res.body.clientSecret).toBeNull();
    expect(res.body.payment).toMatchObject({ status: 'processing', methodType: 'us_bank_account', receiptAvailable: false });
    expect(res.body.payment.statusText).toMatch(/usually take 4 business days/);
    expect(await invoiceRow(inv.id)).toMatchObject({ status: 'processing', amount_paid: 0, amount_remaining: 80_000 });
    expect(await emails(`receipt:${res.body.payment.id}`)).toHaveLength(0);
    expect(await emails(`ach-processing:${res.body.payment.id}`)).toHaveLength(1);
    // Another payment for it is refused while the debit is in flight.
    const again = await p.agent.post('/api/portal/payments', { invoiceIds: [inv.id], methodType: 'card' });
    expect(again).toMatchObject({ status: 409, body: { error: { code: 'PAYMENT_IN_FLIGHT' } } });
    const page = await p.agent.get(`/api/portal/invoices/${inv.id}`);
    expect(page.body.invoice).toMatchObject({ payable: false, paymentInFlight: { id: res.body.payment.id, status: 'processing' } });

    app.emulator!.control.advanceTime(120); // the bank clears the debit
    const settled = await waitFor(
      async () => (await p.agent.post(`/api/portal/payments/${res.body.payment.id}/refresh`, {})).body.payment,
      (pay: { status: string }) => pay.status === 'succeeded',
    );
    expect(settled.status).toBe('succeeded');
    expect(await invoiceRow(inv.id)).toEqual({ status: 'paid', amount_paid: 80_000, amount_remaining: 0 });
    expect(await emails(`receipt:${res.body.payment.id}`)).toHaveLength(1);
  });

  it('a declined saved card fails with the reason in plain words and frees the invoice at once', async () => {
    const card = await saveCard(p, 'pm_card_chargeCustomerFail');
    const inv = await makeInvoice(p.inst.scope, p.client.id, { total: 4_200 });
    const res = await p.agent.post('/api/portal/payments', { invoiceIds: [inv.id], paymentMethodId: card.id });
    expect(res.status).toBe(201);
    expect(res.body.payment.status).toBe('failed');
    expect(res.body.payment.failure.message).toMatch(/declined/i);
    expect(res.body.payment.failure.nextStep).toBeTruthy();
    expect(await invoiceRow(inv.id)).toMatchObject({ status: 'open', amount_paid: 0 });
    expect((await knex()('allocations').where({ payment_id: res.body.payment.id }).first('state'))!.state).toBe('canceled');
    const visa = await saveCard(p);
    const retry = await p.agent.post('/api/portal/payments', { invoiceIds: [inv.id], paymentMethodId: visa.id });
    expect(retry.body.payment.status).toBe('succeeded');
  });

  it('double-clicking Pay charges once', async () => {
    const card = await saveCard(p);
    const inv = await makeInvoice(p.inst.scope, p.client.id, { total: 7_700 });
    const [a, b] = await Promise.all([
      p.agent.post('/api/portal/payments', { invoiceIds: [inv.id], paymentMethodId: card.id }),
      p.agent.post('/api/portal/payments', { invoiceIds: [inv.id], paymentMethodId: card.id }),
    ]);
    const statuses = [a.status, b.status].sort();
    expect(statuses).toEqual([201, 409]);
    const charged = await p.stripe.paymentIntents.list({ customer: p.customer.id, limit: 100 });
    expect(charged.data.filter((pi) => pi.amount === 7_700 && pi.status === 'succeeded')).toHaveLength(1);
    expect(await invoiceRow(inv.id)).toMatchObject({ status: 'paid', amount_paid: 7_700 });
  });
});

describe('crash between Stripe and the database', () => {
  it('a payment whose intent id was lost is resolved by replaying the same request, never by a second charge', async () => {
    const card = await saveCard(p);
    const inv = await makeInvoice(p.inst.scope, p.client.id, { total: 3_300 });
    const res = await p.agent.post('/api/portal/payments', { invoiceIds: [inv.id], methodType: 'card' });
    const intentId = res.body.clientSecret.split('_secret_')[0];
    // Simulate the crash: the intent exists in Stripe, the database never recorded its id.
    await knex()('payments').where({ id: res.body.payment.id }).update({ stripe_payment_intent_id: null });
    const retry = await p.agent.post('/api/portal/payments', { invoiceIds: [inv.id], paymentMethodId: card.id });
    expect(retry.body.payment.status).toBe('succeeded');
    expect((await p.stripe.paymentIntents.retrieve(intentId)).status).toBe('canceled'); // found by replay and canceled
    expect((await knex()('payments').where({ id: res.body.payment.id }).first('stripe_payment_intent_id'))!.stripe_payment_intent_id).toBe(intentId);
    const intents = await p.stripe.paymentIntents.list({ customer: p.customer.id, limit: 100 });
    expect(intents.data.filter((pi) => pi.amount === 3_300 && pi.status === 'succeeded')).toHaveLength(1);
  });
});

describe('policy and bad input: a clear 4xx, nothing changed', () => {
  it('refuses paid, void and zero-total invoices, partial amounts when not allowed, and other clients’ invoices and methods', async () => {
    const paid = await makeInvoice(p.inst.scope, p.client.id, { total: 1_000, status: 'paid' });
    await knex()('invoices').where({ id: paid.id }).update({ amount_paid: 1_000, amount_remaining: 0 });
    const voided = await makeInvoice(p.inst.scope, p.client.id, { total: 1_000, status: 'void' });
    const zero = await makeInvoice(p.inst.scope, p.client.id, { total: 0, status: 'paid' });
    const open = await makeInvoice(p.inst.scope, p.client.id, { total: 9_000 });
    const other = await addPayingClient(app, p.inst);
    const theirs = await makeInvoice(p.inst.scope, other.client.id, { total: 1_000 });
    const theirCard = await saveCard(other);
    const before = { payments: await count('payments'), allocations: await count('allocations') };

    const post = (body: unknown) => p.agent.post('/api/portal/payments', body);
    expect(await post({ invoiceIds: [paid.id], methodType: 'card' })).toMatchObject({ status: 409, body: { error: { code: 'INVOICE_NOT_PAYABLE' } } });
    expect(await post({ invoiceIds: [voided.id], methodType: 'card' })).toMatchObject({ status: 409, body: { error: { code: 'INVOICE_NOT_PAYABLE' } } });
    expect(await post({ invoiceIds: [zero.id], methodType: 'card' })).toMatchObject({ status: 409, body: { error: { code: 'INVOICE_NOT_PAYABLE' } } });
    expect(await post({ invoiceIds: [open.id], methodType: 'card', amounts: { [open.id]: 100 } })).toMatchObject({ status: 400, body: { error: { code: 'PARTIAL_PAYMENT_NOT_ALLOWED' } } });
    expect(await post({ invoiceIds: [theirs.id], methodType: 'card' })).toMatchObject({ status: 404, body: { error: { code: 'INVOICE_NOT_FOUND' } } });
    expect(await post({ invoiceIds: [open.id], paymentMethodId: theirCard.id })).toMatchObject({ status: 404, body: { error: { code: 'PAYMENT_METHOD_NOT_FOUND' } } });
    expect(await post({ invoiceIds: [open.id], methodType: 'card', amount: 1 })).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
    expect(await post({ invoiceIds: [], methodType: 'card' })).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
    expect(await post({ invoiceIds: ['nope'], methodType: 'card' })).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
    expect(await post({ invoiceIds: [open.id], methodType: 'cash' })).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
    expect(await p.agent.get(`/api/portal/payments/${(await knex()('payments').where({ client_id: other.client.id }).first('id'))?.id ?? '00000000-0000-4000-8000-000000000000'}`)).toMatchObject({ status: 404 });
    expect({ payments: await count('payments'), allocations: await count('allocations') }).toEqual(before);
    expect(await invoiceRow(open.id)).toMatchObject({ status: 'open', amount_remaining: 9_000 });
  });

  it('allows partial payments within the MSP policy (minimum, never more than remaining)', async () => {
    await knex()('installations').where({ id: p.inst.id }).update({ settings: JSON.stringify({ partialPayments: { allowed: true, minimum: 2_000 } }) });
    const inv = await makeInvoice(p.inst.scope, p.client.id, { total: 10_000 });
    const post = (amount: number) => p.agent.post('/api/portal/payments', { invoiceIds: [inv.id], methodType: 'card', amounts: { [inv.id]: amount } });
    expect(await post(1_999)).toMatchObject({ status: 400, body: { error: { code: 'PAYMENT_AMOUNT_INVALID' } } });
    expect(await post(10_001)).toMatchObject({ status: 400, body: { error: { code: 'PAYMENT_AMOUNT_INVALID' } } });
    const ok = await post(4_000);
    expect(ok.status).toBe(201);
    await p.stripe.paymentIntents.confirm(ok.body.clientSecret.split('_secret_')[0], { payment_method: 'pm_card_visa' });
    await p.agent.post(`/api/portal/payments/${ok.body.payment.id}/refresh`, {});
    expect(await invoiceRow(inv.id)).toEqual({ status: 'partially_paid', amount_paid: 4_000, amount_remaining: 6_000 });
    await knex()('installations').where({ id: p.inst.id }).update({ settings: '{}' });
  });

  it('gives ignored clients no online payment options', async () => {
    const other = await addPayingClient(app, p.inst);
    await knex()('clients').where({ id: other.client.id }).update({ mapping_status: 'ignored', stripe_customer_id: null });
    const inv = await makeInvoice(p.inst.scope, other.client.id, { total: 1_000 });
    expect(await other.agent.post('/api/portal/payments', { invoiceIds: [inv.id], methodType: 'card' })).toMatchObject({ status: 409, body: { error: { code: 'ONLINE_PAYMENTS_UNAVAILABLE' } } });
    expect((await other.agent.get(`/api/portal/invoices/${inv.id}`)).body.invoice).toMatchObject({ payable: false });
  });
});
