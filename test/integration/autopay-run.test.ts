// Autopay runs against the Stripe emulator through the real SDK: what is due is charged exactly once
// — across concurrent runs, and when Stripe's answer is lost after it charged — with the attempt
// recorded before Stripe is called; declines follow the retry policy; ACH stays processing until it
// settles.
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../server/clock';
import { chargeInvoice } from '../../server/autopay/charge-invoice';
import { runAutopay, selectDueInvoices } from '../../server/autopay/run-autopay';
import { makeInvoice } from '../support/factories';
import { addPayingClient, makePayingClient, saveCard, saveVerifiedBankAccount } from '../support/payment-fixtures';
import { startTestApp, type TestApp } from '../support/test-app';

let app: TestApp;
const clock = new ManualClock('2026-12-01T15:00:00Z'); // 10:00 in New York, after the 09:00 run time

beforeAll(async () => {
  app = await startTestApp({ clock, stripeEmulator: { bankSettlementDelayMs: 100 } });
});
afterAll(() => app?.close());

const knex = () => app.db.database.knex;
const ctx = () => app.runtime.ctx;
const invoiceRow = (id: string) => knex()('invoices').where({ id }).first('status', 'amount_paid', 'amount_remaining');

async function autopayClient(p: Awaited<ReturnType<typeof makePayingClient>>, token = 'pm_card_visa') {
  const method = token === 'bank' ? await saveVerifiedBankAccount(p) : await saveCard(p, token);
  await knex()('clients').where({ id: p.client.id }).update({ autopay_enabled: true, autopay_payment_method_id: method.id });
  return method;
}

async function intentsFor(p: { stripe: Stripe; customer: { id: string } }, invoiceId: string) {
  const list = await p.stripe.paymentIntents.list({ customer: p.customer.id, limit: 100 });
  return list.data.filter((pi) => pi.metadata.settle_invoice_id === invoiceId);
}

describe('autopay run', () => {
  it('charges what is due, once: not tomorrow’s invoice, not above the maximum, not clients without autopay', async () => {
    const p = await makePayingClient(app);
    await knex()('installations').where({ id: p.inst.id }).update({ settings: JSON.stringify({ autopay: { maxAmount: 100_000 } }) });
    await autopayClient(p);
    const overdue = await makeInvoice(p.inst.scope, p.client.id, { total: 12_000, dueDate: '2026-11-28' });
    const today = await makeInvoice(p.inst.scope, p.client.id, { total: 8_000, dueDate: '2026-12-01' });
    const tomorrow = await makeInvoice(p.inst.scope, p.client.id, { total: 5_000, dueDate: '2026-12-02' });
    const tooBig = await makeInvoice(p.inst.scope, p.client.id, { total: 150_000, dueDate: '2026-11-28' });
    const manual = await addPayingClient(app, p.inst);
    await saveCard(manual);
    const notOnAutopay = await makeInvoice(p.inst.scope, manual.client.id, { total: 3_000, dueDate: '2026-11-20' });

    const first = await runAutopay(ctx(), p.inst.id);
    expect(first).toMatchObject({ candidates: 2, succeeded: 2, failed: 0, unknown: 0 });
    expect(await invoiceRow(overdue.id)).toEqual({ status: 'paid', amount_paid: 12_000, amount_remaining: 0 });
    expect(await invoiceRow(today.id)).toMatchObject({ status: 'paid' });
    for (const inv of [tomorrow, tooBig, notOnAutopay]) expect((await invoiceRow(inv.id))!.status).toBe('open');
    const [pi] = await intentsFor(p, overdue.id);
    expect(pi).toMatchObject({ amount: 12_000, status: 'succeeded', metadata: { settle_installation_id: p.inst.id, settle_client_id: p.client.id, settle_attempt_no: '1' } });
    const attempt = await knex()('charge_attempts').where({ invoice_id: overdue.id }).first('status', 'attempt_no', 'idempotency_key');
    expect(attempt).toEqual({ status: 'succeeded', attempt_no: 1, idempotency_key: `autopay:${overdue.id}:1` });

    expect(await runAutopay(ctx(), p.inst.id)).toMatchObject({ candidates: 0, succeeded: 0 });
    expect(await intentsFor(p, overdue.id)).toHaveLength(1);
  });

  it('two runs at once (two processes) charge each invoice once', async () => {
    const p = await makePayingClient(app);
    await autopayClient(p);
    const invoices = await Promise.all(Array.from({ length: 6 }, (_, i) => makeInvoice(p.inst.scope, p.client.id, { total: 1_000 + i, dueDate: '2026-11-30' })));
    const [a, b] = await Promise.all([runAutopay(ctx(), p.inst.id), runAutopay(ctx(), p.inst.id)]);
    expect(a.succeeded + b.succeeded).toBe(6);
    for (const inv of invoices) {
      expect((await intentsFor(p, inv.id)).filter((pi) => pi.status === 'succeeded')).toHaveLength(1);
      expect(await invoiceRow(inv.id)).toMatchObject({ status: 'paid', amount_paid: inv.total });
    }
  });

  it('a charge whose answer was lost after Stripe made it is resolved by replaying the same request — never charged twice, never skipped', async () => {
    const p = await makePayingClient(app);
    await autopayClient(p);
    const lostAfter = await makeInvoice(p.inst.scope, p.client.id, { total: 4_400, dueDate: '2026-11-30' });
    const lostBefore = await makeInvoice(p.inst.scope, p.client.id, { total: 5_500, dueDate: '2026-11-30' });
    const policy = { retryScheduleDays: [3, 5, 7], achMaxRetries: 1 };
    const [afterCandidate, beforeCandidate] = (await selectDueInvoices(ctx(), p.inst.scope)).sort((x, y) => x.amount - y.amount);

    // Stripe charged, then the connection dropped before Settle heard back.
    const answerLost = new Stripe(p.inst.secretKey, { host: '127.0.0.1', port: app.emulator!.port, protocol: 'http', maxNetworkRetries: 0 });
    const realCreate = answerLost.paymentIntents.create.bind(answerLost.paymentIntents);
    answerLost.paymentIntents.create = (async (...args: Parameters<typeof realCreate>) => {
      await realCreate(...args);
      throw new Stripe.errors.StripeConnectionError({ message: 'socket hang up' });
    }) as typeof realCreate;
    expect(await chargeInvoice(ctx(), p.inst.scope, answerLost, afterCandidate!, policy)).toBe('unknown');
    // The request never reached Stripe.
    const neverSent = new Stripe(p.inst.secretKey, { host: '127.0.0.1', port: app.emulator!.port, protocol: 'http', maxNetworkRetries: 0 });
    neverSent.paymentIntents.create = (async () => {
      throw new Stripe.errors.StripeConnectionError({ message: 'connect ECONNREFUSED' });
    }) as typeof realCreate;
    expect(await chargeInvoice(ctx(), p.inst.scope, neverSent, beforeCandidate!, policy)).toBe('unknown');

    expect(await knex()('charge_attempts').whereIn('invoice_id', [lostAfter.id, lostBefore.id]).pluck('status')).toEqual(['unknown', 'unknown']);
    expect((await invoiceRow(lostAfter.id))!.status).toBe('open');
    expect((await p.agent.post('/api/portal/payments', { invoiceIds: [lostAfter.id], methodType: 'card' })).body.error.code).toBe('PAYMENT_IN_FLIGHT');
    expect(await intentsFor(p, lostAfter.id)).toHaveLength(1);
    expect(await intentsFor(p, lostBefore.id)).toHaveLength(0);

    const next = await runAutopay(ctx(), p.inst.id);
    expect(next).toMatchObject({ resolved: 2, candidates: 0 });
    expect(await invoiceRow(lostAfter.id)).toMatchObject({ status: 'paid', amount_paid: 4_400 });
    expect(await invoiceRow(lostBefore.id)).toMatchObject({ status: 'paid', amount_paid: 5_500 });
    expect(await intentsFor(p, lostAfter.id)).toHaveLength(1);
    expect(await intentsFor(p, lostBefore.id)).toHaveLength(1);
    expect(await knex()('charge_attempts').whereIn('invoice_id', [lostAfter.id, lostBefore.id]).pluck('status')).toEqual(['succeeded', 'succeeded']);
  });

  it('a soft decline frees the invoice and retries 3 days after the first failure; a hard decline (closed bank account) never retries', async () => {
    const p = await makePayingClient(app);
    await autopayClient(p, 'pm_card_chargeCustomerFail');
    const inv = await makeInvoice(p.inst.scope, p.client.id, { total: 9_900, dueDate: '2026-11-30' });
    expect(await runAutopay(ctx(), p.inst.id)).toMatchObject({ failed: 1 });
    const attempt = await knex()('charge_attempts').where({ invoice_id: inv.id }).first('status', 'failure_code', 'decline_code', 'next_retry_at');
    expect(attempt).toMatchObject({ status: 'failed', failure_code: 'card_declined' });
    expect(attempt!.next_retry_at).toEqual(new Date('2026-12-04T15:00:00Z'));
    expect(await invoiceRow(inv.id)).toMatchObject({ status: 'open', amount_paid: 0 });
    expect((await intentsFor(p, inv.id))[0]!.status).toBe('canceled');
    expect(await runAutopay(ctx(), p.inst.id)).toMatchObject({ candidates: 0 });

    clock.set(new Date('2026-12-04T15:00:00Z'));
    try {
      expect(await runAutopay(ctx(), p.inst.id)).toMatchObject({ candidates: 1, failed: 1 });
      expect(await knex()('charge_attempts').where({ invoice_id: inv.id }).orderBy('attempt_no').pluck('attempt_no')).toEqual([1, 2]);
      expect((await knex()('charge_attempts').where({ invoice_id: inv.id, attempt_no: 2 }).first('next_retry_at'))!.next_retry_at).toEqual(new Date('2026-12-06T15:00:00Z'));

      // A closed bank account: the debit is processing first, then returns; never retried.
      const hard = await makePayingClient(app);
      const bank = await saveVerifiedBankAccount(hard, '000111111113');
      await knex()('clients').where({ id: hard.client.id }).update({ autopay_enabled: true, autopay_payment_method_id: bank.id });
      const hardInv = await makeInvoice(hard.inst.scope, hard.client.id, { total: 2_000, dueDate: '2026-12-01' });
      expect(await runAutopay(ctx(), hard.inst.id)).toMatchObject({ processing: 1 });
      await new Promise((r) => setTimeout(r, 400));
      expect(await runAutopay(ctx(), hard.inst.id)).toMatchObject({ resolved: 1 });
      expect(await knex()('charge_attempts').where({ invoice_id: hardInv.id }).first('status', 'failure_code', 'next_retry_at')).toEqual({ status: 'failed', failure_code: 'account_closed', next_retry_at: null });
      expect(await invoiceRow(hardInv.id)).toMatchObject({ status: 'open', amount_paid: 0 });
      expect(await runAutopay(ctx(), hard.inst.id)).toMatchObject({ candidates: 0 });
    } finally {
      clock.set(new Date('2026-12-01T15:00:00Z'));
    }
  });

  it('ACH stays processing until it settles; the next run records the outcome', async () => {
    const p = await makePayingClient(app);
    await autopayClient(p, 'bank');
    const inv = await makeInvoice(p.inst.scope, p.client.id, { total: 70_000, dueDate: '2026-11-30' });
    expect(await runAutopay(ctx(), p.inst.id)).toMatchObject({ processing: 1 });
    expect(await invoiceRow(inv.id)).toMatchObject({ status: 'processing', amount_paid: 0 });
    expect((await knex()('charge_attempts').where({ invoice_id: inv.id }).first('status'))!.status).toBe('processing');
    await new Promise((r) => setTimeout(r, 400)); // the emulator's stand-in for 4 business days
    expect(await runAutopay(ctx(), p.inst.id)).toMatchObject({ resolved: 1, candidates: 0 });
    expect(await invoiceRow(inv.id)).toEqual({ status: 'paid', amount_paid: 70_000, amount_remaining: 0 });
    expect((await knex()('charge_attempts').where({ invoice_id: inv.id }).first('status'))!.status).toBe('succeeded');
  });
});
