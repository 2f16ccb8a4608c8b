import type Stripe from 'stripe';
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
const types = async (stripe: Stripe) => (await stripe.events.list({ limit: 100 })).data.map((e) => e.type).reverse();

async function achPayment(stripe: Stripe, token: string, customer: string, amount = 5000) {
  const si = await stripe.setupIntents.create({ customer, payment_method: token, confirm: true, mandate_data, allowed_payment_method_types: ['us_bank_account'] });
  expect(si.status).toBe('succeeded');
  return stripe.paymentIntents.create({ amount, currency: 'usd', customer, payment_method: si.payment_method as string, off_session: true, confirm: true });
}

describe('refunds', () => {
  it('refunds a card partially then fully, and refuses over-refunds', async () => {
    const stripe = t.client();
    const pi = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true });
    const r1 = await stripe.refunds.create({ payment_intent: pi.id, amount: 300, reason: 'requested_by_customer' });
    expect(r1).toMatchObject({ object: 'refund', amount: 300, status: 'succeeded', charge: pi.latest_charge, payment_intent: pi.id, reason: 'requested_by_customer' });
    expect(await stripe.charges.retrieve(pi.latest_charge as string)).toMatchObject({ amount_refunded: 300, refunded: false });
    await expect(stripe.refunds.create({ charge: pi.latest_charge as string, amount: 701 })).rejects.toMatchObject({
      statusCode: 400,
      code: 'amount_too_large',
      param: 'amount',
      message: 'Refund amount ($7.01) is greater than unrefunded amount on charge ($7.00)',
    });
    const r2 = await stripe.refunds.create({ charge: pi.latest_charge as string });
    expect(r2.amount).toBe(700);
    expect(await stripe.charges.retrieve(pi.latest_charge as string)).toMatchObject({ amount_refunded: 1000, refunded: true });
    await expect(stripe.refunds.create({ payment_intent: pi.id })).rejects.toMatchObject({ code: 'charge_already_refunded' });
    expect((await stripe.refunds.retrieve(r1.id)).amount).toBe(300);
    expect((await stripe.refunds.list({ payment_intent: pi.id })).data.map((r) => r.id)).toEqual([r2.id, r1.id]);
    const refunded = await stripe.events.list({ type: 'charge.refunded' });
    expect(refunded.data.map((e) => (e.data.object as Stripe.Charge).amount_refunded)).toEqual([1000, 300]);
    expect((await stripe.events.list({ type: 'refund.created' })).data).toHaveLength(2);
  });

  it('keeps ACH refunds pending until settlement, then succeeded', async () => {
    const stripe = t.client();
    const c = await stripe.customers.create({});
    const pi = await achPayment(stripe, 'pm_usBankAccount_success', c.id);
    await expect(stripe.refunds.create({ payment_intent: pi.id })).rejects.toMatchObject({ code: 'charge_not_refundable' });
    await waitFor(() => stripe.paymentIntents.retrieve(pi.id), (p) => p.status === 'succeeded');
    const refund = await stripe.refunds.create({ payment_intent: pi.id, amount: 1200 });
    expect(refund.status).toBe('pending');
    const done = await waitFor(() => stripe.refunds.retrieve(refund.id), (r) => r.status === 'succeeded');
    expect(done.amount).toBe(1200);
    const updated = await stripe.events.list({ type: 'refund.updated' });
    expect(updated.data[0]?.data.previous_attributes).toMatchObject({ status: 'pending' });
  });

  it('settles an ACH refund after 4 business days of test-clock time', async () => {
    const stripe = t.client();
    const start = 1_900_000_000;
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: start });
    const c = await stripe.customers.create({ test_clock: clock.id });
    const pi = await achPayment(stripe, 'pm_usBankAccount_success', c.id);
    await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: start + 7 * 86400 });
    await waitFor(() => stripe.testHelpers.testClocks.retrieve(clock.id), (x) => x.status === 'ready');
    expect((await stripe.paymentIntents.retrieve(pi.id)).status).toBe('succeeded');
    const refund = await stripe.refunds.create({ payment_intent: pi.id });
    expect(refund).toMatchObject({ status: 'pending', created: start + 7 * 86400 });
    await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: start + 8 * 86400 });
    await waitFor(() => stripe.testHelpers.testClocks.retrieve(clock.id), (x) => x.status === 'ready');
    expect((await stripe.refunds.retrieve(refund.id)).status).toBe('pending');
    await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: start + 14 * 86400 });
    await waitFor(() => stripe.testHelpers.testClocks.retrieve(clock.id), (x) => x.status === 'ready');
    expect((await stripe.refunds.retrieve(refund.id)).status).toBe('succeeded');
  });

  it('fails a refund later for 4000000000005126 (refund.failed)', async () => {
    const stripe = t.client();
    const pi = await stripe.paymentIntents.create({ amount: 800, currency: 'usd', payment_method: 'pm_card_refundFail', confirm: true });
    const refund = await stripe.refunds.create({ payment_intent: pi.id });
    expect(refund.status).toBe('succeeded');
    const failed = await waitFor(() => stripe.refunds.retrieve(refund.id), (r) => r.status === 'failed');
    expect(failed.failure_reason).toBe('expired_or_canceled_card');
    expect((await stripe.charges.retrieve(pi.latest_charge as string)).amount_refunded).toBe(0);
    expect((await stripe.events.list({ type: 'refund.failed' })).data[0]?.data.object).toMatchObject({ id: refund.id, status: 'failed' });
  });
});

describe('disputes', () => {
  it('disputes 4000000000000259 as fraudulent and closes it as lost', async () => {
    const stripe = t.client();
    const pi = await stripe.paymentIntents.create({ amount: 2500, currency: 'usd', payment_method: 'pm_card_createDispute', confirm: true });
    expect(pi.status).toBe('succeeded');
    const charge = await stripe.charges.retrieve(pi.latest_charge as string);
    expect(charge.disputed).toBe(true);
    const [dispute] = (await stripe.disputes.list({ charge: charge.id })).data;
    expect(dispute).toMatchObject({ object: 'dispute', amount: 2500, reason: 'fraudulent', status: 'needs_response', charge: charge.id, payment_intent: pi.id });
    expect(dispute?.evidence_details.due_by).toBe((dispute?.created ?? 0) + 7 * 86400);
    expect(dispute?.balance_transactions[0]).toMatchObject({ amount: -2500, fee: 1500 });
    await expect(stripe.refunds.create({ charge: charge.id })).rejects.toMatchObject({ code: 'charge_disputed' });
    const closed = await stripe.disputes.close(dispute?.id ?? '');
    expect(closed.status).toBe('lost');
    expect((await stripe.disputes.retrieve(closed.id)).status).toBe('lost');
    await expect(stripe.disputes.close(closed.id)).rejects.toMatchObject({ statusCode: 400 });
    const seen = await types(stripe);
    expect(seen.filter((x) => x.startsWith('charge.dispute'))).toEqual(['charge.dispute.created', 'charge.dispute.funds_withdrawn', 'charge.dispute.closed']);
  });

  it('wins with winning_evidence (funds reinstated)', async () => {
    const stripe = t.client();
    const pi = await stripe.paymentIntents.create({ amount: 900, currency: 'usd', payment_method: 'pm_card_createDispute', confirm: true });
    const [dispute] = (await stripe.disputes.list({ payment_intent: pi.id })).data;
    const won = await stripe.disputes.update(dispute?.id ?? '', { evidence: { uncategorized_text: 'winning_evidence' }, submit: true });
    expect(won.status).toBe('won');
    expect((await stripe.events.list({ type: 'charge.dispute.funds_reinstated' })).data).toHaveLength(1);
  });

  it('disputes ACH 000555555559 as final: lost, mandate inactive, mandate.updated', async () => {
    const stripe = t.client();
    const c = await stripe.customers.create({});
    const pm = await stripe.paymentMethods.create({ type: 'us_bank_account', us_bank_account: { routing_number: '110000000', account_number: '000555555559' }, billing_details: { name: 'Dispute Co' } });
    const si = await stripe.setupIntents.create({ customer: c.id, payment_method: pm.id, confirm: true, mandate_data, payment_method_options: { us_bank_account: { verification_method: 'microdeposits' } } });
    const verified = await stripe.setupIntents.verifyMicrodeposits(si.id, { descriptor_code: 'SM11AA' });
    const pi = await stripe.paymentIntents.create({ amount: 4200, currency: 'usd', customer: c.id, payment_method: pm.id, off_session: true, confirm: true });
    await waitFor(() => stripe.paymentIntents.retrieve(pi.id), (p) => p.status === 'succeeded');
    const [dispute] = (await stripe.disputes.list({ payment_intent: pi.id })).data;
    expect(dispute).toMatchObject({ status: 'lost', amount: 4200, evidence_details: { due_by: null } });
    expect((await stripe.charges.retrieve(pi.latest_charge as string)).disputed).toBe(true);
    expect((await stripe.mandates.retrieve(verified.mandate as string)).status).toBe('inactive');
    const mandateEvents = await stripe.events.list({ type: 'mandate.updated' });
    expect(mandateEvents.data[0]?.data).toMatchObject({ object: { id: verified.mandate, status: 'inactive' }, previous_attributes: { status: 'active' } });
    expect((await types(stripe)).filter((x) => x.startsWith('charge.dispute'))).toEqual(['charge.dispute.created', 'charge.dispute.funds_withdrawn', 'charge.dispute.closed']);
  });

  it('emits mandate.updated when a bank account is detached', async () => {
    const stripe = t.client();
    const c = await stripe.customers.create({});
    const si = await stripe.setupIntents.create({ customer: c.id, payment_method: 'pm_usBankAccount_success', confirm: true, mandate_data });
    await stripe.paymentMethods.detach(si.payment_method as string);
    expect((await stripe.mandates.retrieve(si.mandate as string)).status).toBe('inactive');
    expect((await stripe.events.list({ type: 'mandate.updated' })).data).toHaveLength(1);
  });
});

describe('cash balance', () => {
  it('funds a cash balance with a reference and lists the transactions', async () => {
    const stripe = t.client();
    const c = await stripe.customers.create({});
    expect(await stripe.customers.retrieveCashBalance(c.id)).toMatchObject({ object: 'cash_balance', available: null, customer: c.id });
    const txn = await stripe.testHelpers.customers.fundCashBalance(c.id, { amount: 12_345, currency: 'usd', reference: 'INV-1001' });
    expect(txn).toMatchObject({ object: 'customer_cash_balance_transaction', type: 'funded', net_amount: 12_345, ending_balance: 12_345, funded: { bank_transfer: { reference: 'INV-1001', type: 'us_bank_transfer' } } });
    await stripe.testHelpers.customers.fundCashBalance(c.id, { amount: 655, currency: 'usd', reference: 'INV-1002' });
    expect((await stripe.customers.retrieveCashBalance(c.id)).available).toEqual({ usd: 13_000 });
    const list = await stripe.customers.listCashBalanceTransactions(c.id);
    expect(list.data.map((x) => x.ending_balance)).toEqual([13_000, 12_345]);
    expect((await stripe.customers.retrieveCashBalanceTransaction(c.id, txn.id)).id).toBe(txn.id);
    const seen = await types(stripe);
    expect(seen.filter((x) => x.includes('cash_balance'))).toEqual([
      'customer_cash_balance_transaction.created',
      'cash_balance.funds_available',
      'customer_cash_balance_transaction.created',
      'cash_balance.funds_available',
    ]);
    const funds = await stripe.events.list({ type: 'cash_balance.funds_available' });
    expect(funds.data[0]?.data.object).toMatchObject({ available: { usd: 13_000 } });
  });
});
