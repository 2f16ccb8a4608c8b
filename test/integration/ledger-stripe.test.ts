// The ledger against the Stripe emulator, through the real SDK and Stripe's webhooks delivered
// shuffled and every one twice: card refunds (partial, full), ACH refunds pending for days, card
// disputes won (evidence submitted from Settle) and lost (evidence due date, reopened invoice,
// staff emailed once), an ACH dispute
// (final: reversal and autopay paused), bank transfers into a cash balance (matched, or the
// exceptions queue), a Stripe payment made elsewhere, and a payout imported on payout.paid with its
// CSV. After everything settles, replays change nothing and the ledger is consistent.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLedgerConsistency } from '../../server/ledger/check-ledger-consistency';
import { importPayout } from '../../server/payouts/import-payout';
import { ensureWebhookEndpoint } from '../../server/webhooks/ensure-webhook-endpoint';
import { processStripeEvents } from '../../server/webhooks/process-stripe-events';
import { makeInvoice, makeStaffUser } from '../support/factories';
import { Agent } from '../support/http-agent';
import { invoiceRow, ledgerCounts, withPsaWebhook } from '../support/ledger-fixtures';
import { addPayingClient, makePayingClient, saveCard, saveVerifiedBankAccount } from '../support/payment-fixtures';
import { startTestApp, type TestApp } from '../support/test-app';

let app: TestApp;
let p: Awaited<ReturnType<typeof makePayingClient>>;
let admin: Agent;
const knex = () => app.db.database.knex;

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Every queued webhook delivered (duplicates too) and processed. */
async function settled(): Promise<void> {
  await app.emulator!.control.webhooksIdle();
  await until(async () => (await knex()('stripe_events').where({ installation_id: p.inst.id }).whereIn('status', ['pending', 'processing', 'failed']).count({ n: '*' }))[0] as { n: unknown }, (r) => Number(r.n) === 0, 'events processed');
}

async function payWithSaved(methodId: string, total: number, number: string) {
  const inv = await makeInvoice(p.inst.scope, p.client.id, { total, number });
  const res = await p.agent.post('/api/portal/payments', { invoiceIds: [inv.id], paymentMethodId: methodId });
  expect(res.status).toBe(201);
  return { inv, paymentId: res.body.payment.id as string };
}

beforeAll(async () => {
  app = await startTestApp({
    realPublicUrl: true,
    env: { JOBS_ENABLED: 'true' },
    jobs: [],
    stripeEmulator: { bankSettlementDelayMs: 400, webhooks: { retryInitialDelayMs: 50, outOfOrder: true, duplicateRate: 1, batchWindowMs: 60 } },
  });
  p = await makePayingClient(app, { name: 'Fabrikam Clinics' });
  await ensureWebhookEndpoint(app.runtime.ctx, p.inst.id);
  await withPsaWebhook(knex(), p.inst.id);
  const user = await makeStaffUser(p.inst.scope, { role: 'admin' });
  admin = new Agent(app.url);
  await admin.login('app', user.email, user.password);
});
afterAll(() => app?.close());

describe('refunds', () => {
  it('card: partial then full, each reversing the invoice once; more than paid is refused', async () => {
    const card = await saveCard(p);
    const { inv, paymentId } = await payWithSaved(card.id, 30_000, 'R-1');
    await until(() => invoiceRow(knex(), inv.id), (r) => r?.status === 'paid', 'paid');
    const before = await ledgerCounts(knex(), p.inst.id);
    const over = await admin.post(`/api/app/payments/${paymentId}/refunds`, { requestId: randomUUID(), amount: 30_001, reason: 'Too much' });
    expect([over.status, over.body.error.code]).toEqual([422, 'REFUND_EXCEEDS_PAID']);
    expect(await ledgerCounts(knex(), p.inst.id)).toEqual(before);

    const requestId = randomUUID();
    const partial = await admin.post(`/api/app/payments/${paymentId}/refunds`, { requestId, amount: 10_000, reason: 'Overbilled hours' });
    expect(partial.status).toBe(201);
    expect(partial.body.refund).toMatchObject({ status: 'succeeded', amount: 10_000, confirmed: true });
    expect(await invoiceRow(knex(), inv.id)).toMatchObject({ status: 'partially_paid', amount_paid: 20_000, amount_remaining: 10_000 });
    // The same dialog submitted twice is one refund, in Settle and in Stripe.
    const again = await admin.post(`/api/app/payments/${paymentId}/refunds`, { requestId, amount: 10_000, reason: 'Overbilled hours' });
    expect(again.body.refund.id).toBe(requestId);
    const full = await admin.post(`/api/app/payments/${paymentId}/refunds`, { requestId: randomUUID(), amount: 20_000, reason: 'Cancelled contract' });
    expect(full.body.payment).toMatchObject({ amountRefunded: 30_000, refundable: 0, displayStatus: 'refunded' });
    await settled();
    expect(await invoiceRow(knex(), inv.id)).toMatchObject({ status: 'open', amount_paid: 0, amount_remaining: 30_000 });
    const pi = (await knex()('payments').where({ id: paymentId }).first('stripe_payment_intent_id')).stripe_payment_intent_id;
    expect((await p.stripe.refunds.list({ payment_intent: pi })).data).toHaveLength(2);
    const reversals = (await knex()('ledger_reversals').where({ payment_id: paymentId }).select('amount')) as Array<{ amount: number | string }>;
    expect(reversals.map((r) => Number(r.amount)).sort((a, b) => a - b)).toEqual([10_000, 20_000]);
  });

  it('ACH: the refund stays pending until the bank confirms; the invoice reopens at once', async () => {
    const bank = await saveVerifiedBankAccount(p);
    const { inv, paymentId } = await payWithSaved(bank.id, 12_000, 'R-2');
    await until(() => invoiceRow(knex(), inv.id), (r) => r?.status === 'paid', 'ACH paid', 30_000);
    const res = await admin.post(`/api/app/payments/${paymentId}/refunds`, { requestId: randomUUID(), amount: 12_000, reason: 'Paid twice' });
    expect(res.body.refund).toMatchObject({ status: 'pending', amount: 12_000 });
    expect(await invoiceRow(knex(), inv.id)).toMatchObject({ status: 'open', amount_remaining: 12_000 });
    await until(async () => (await knex()('refunds').where({ id: res.body.refund.id }).first('status')).status, (s) => s === 'succeeded', 'ACH refund succeeded', 30_000);
    await settled();
    expect(await invoiceRow(knex(), inv.id)).toMatchObject({ status: 'open', amount_paid: 0 });
  });
});

describe('disputes', () => {
  it('card dispute: open with an evidence due date; lost reopens the invoice, emails staff once, blocks refunds', async () => {
    const card = await saveCard(p, 'pm_card_createDispute');
    const { inv, paymentId } = await payWithSaved(card.id, 8_000, 'D-1');
    const open = await until(() => admin.get('/api/app/disputes'), (r) => r.body.disputes.some((d: any) => d.paymentId === paymentId), 'dispute listed');
    const dispute = open.body.disputes.find((d: any) => d.paymentId === paymentId);
    expect(dispute).toMatchObject({ status: 'needs_response', reason: 'fraudulent', amount: 8_000, clientName: 'Fabrikam Clinics' });
    expect(new Date(dispute.evidenceDueBy).getTime()).toBeGreaterThan(Date.now());
    await settled();
    expect(await invoiceRow(knex(), inv.id)).toMatchObject({ status: 'paid' });
    const refund = await admin.post(`/api/app/payments/${paymentId}/refunds`, { requestId: randomUUID(), amount: 100, reason: 'Goodwill' });
    expect([refund.status, refund.body.error.code]).toEqual([409, 'REFUND_NOT_ALLOWED']);

    const stripeDispute = (await p.stripe.disputes.list({ limit: 100 })).data.find((d) => d.amount === 8_000)!;
    await p.stripe.disputes.update(stripeDispute.id, { evidence: { uncategorized_text: 'losing_evidence' }, submit: true });
    await until(() => invoiceRow(knex(), inv.id), (r) => r?.status === 'open', 'reopened');
    await settled();
    expect(await invoiceRow(knex(), inv.id)).toMatchObject({ status: 'open', amount_paid: 0, amount_remaining: 8_000 });
    const mails = await knex()('outbox').where({ installation_id: p.inst.id, kind: 'email' }).where('dedupe_key', 'like', 'dispute-lost:%').select('payload');
    expect(mails).toHaveLength(1);
    const mail = typeof mails[0].payload === 'string' ? JSON.parse(mails[0].payload) : mails[0].payload;
    expect(mail.subject).toBe('Dispute lost: $80.00 from Fabrikam Clinics');
  });

  it('card dispute answered from Settle (facts drafted, evidence submitted once, audited) and won: nothing moves', async () => {
    const card = await saveCard(p, 'pm_card_createDispute');
    const { inv, paymentId } = await payWithSaved(card.id, 9_100, 'D-2');
    const listed = await until(() => admin.get('/api/app/disputes'), (r) => r.body.disputes.some((d: any) => d.paymentId === paymentId), 'dispute listed');
    const disputeId = listed.body.disputes.find((d: any) => d.paymentId === paymentId).id as string;
    const path = `/api/app/disputes/${disputeId}/evidence`;

    // Settle drafts what it knows: the client, what the payment paid for and when.
    const draft = await admin.get(path);
    expect(draft.status, JSON.stringify(draft.body)).toBe(200);
    expect(draft.body).toMatchObject({ notContestableReason: null, submitted: null, dispute: { id: disputeId, status: 'needs_response' } });
    expect(draft.body.draft.customerName).toBe('Fabrikam Clinics');
    expect(draft.body.draft.productDescription).toMatch(/invoice D-2 of .+ \(\$91\.00\)/);
    expect(draft.body.draft.serviceDate).not.toBe('');

    // Bad input: a clear 400, nothing sent to Stripe.
    const stripeId = (await knex()('disputes').where({ id: disputeId }).first('stripe_dispute_id')).stripe_dispute_id as string;
    for (const body of [{}, { explanation: 'short' }, { explanation: 'x'.repeat(20_001) }, { explanation: 'A valid explanation', extra: true }]) {
      const res = await admin.post(path, body);
      expect(`${res.status} ${res.body.error.code}`).toBe('400 VALIDATION_FAILED');
    }
    expect((await p.stripe.disputes.retrieve(stripeId)).evidence_details.submission_count).toBe(0);
    expect((await admin.get(`/api/app/disputes/${randomUUID()}/evidence`)).body.error.code).toBe('DISPUTE_NOT_FOUND');

    // The emulator, like Stripe's test mode, decides at once on this text: won.
    const submitted = await admin.post(path, { ...draft.body.draft, explanation: 'winning_evidence' });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
    expect(submitted.body).toMatchObject({ dispute: { status: 'won' }, submitted: { at: expect.any(String), by: expect.any(String) } });
    const inStripe = await p.stripe.disputes.retrieve(stripeId);
    expect(inStripe.evidence_details.submission_count).toBe(1);
    expect(inStripe.evidence).toMatchObject({ uncategorized_text: 'winning_evidence', customer_name: 'Fabrikam Clinics', product_description: draft.body.draft.productDescription });
    // Once answered, never again (a second tab, a double click): refused, Stripe untouched.
    const again = await admin.post(path, { explanation: 'Another explanation entirely' });
    expect([again.status, again.body.error.code]).toEqual([409, 'DISPUTE_NOT_CONTESTABLE']);
    expect((await p.stripe.disputes.retrieve(stripeId)).evidence_details.submission_count).toBe(1);
    expect(await knex()('audit_log').where({ action: 'dispute.evidence_submitted', subject_id: disputeId }).select('actor_type')).toEqual([{ actor_type: 'staff' }]);
    await until(async () => (await knex()('payments').where({ id: paymentId }).first('dispute_status')).dispute_status, (s) => s === 'won', 'won');
    await settled();
    expect(await invoiceRow(knex(), inv.id)).toMatchObject({ status: 'paid', amount_paid: 9_100 });
    expect(await knex()('ledger_reversals').where({ payment_id: paymentId }).first('id')).toBeUndefined();
  });

  it('ACH dispute (a return after success) is final: reversed and autopay paused for that bank account', async () => {
    const other = await addPayingClient(app, p.inst, { name: 'Northwind Labs' });
    const bank = await saveVerifiedBankAccount(other, '000555555559');
    await knex()('clients').where({ id: other.client.id }).update({ autopay_enabled: true, autopay_payment_method_id: bank.id });
    const inv = await makeInvoice(p.inst.scope, other.client.id, { total: 45_000, number: 'D-3' });
    const res = await other.agent.post('/api/portal/payments', { invoiceIds: [inv.id], paymentMethodId: bank.id });
    expect(res.status).toBe(201);
    await until(async () => (await knex()('clients').where({ id: other.client.id }).first('autopay_paused_reason')).autopay_paused_reason, (r) => Boolean(r), 'autopay paused', 30_000);
    await settled();
    expect(await invoiceRow(knex(), inv.id)).toMatchObject({ status: 'open', amount_paid: 0 });
    expect(await knex()('audit_log').where({ installation_id: p.inst.id, action: 'autopay.paused', client_id: other.client.id }).count({ n: '*' })).toEqual([{ n: expect.anything() }]);
    expect(Number((await knex()('audit_log').where({ installation_id: p.inst.id, action: 'dispute.lost', subject_id: res.body.payment.id }).count({ n: '*' }))[0]!.n)).toBe(1);
    // A bank dispute takes no evidence: Settle says so and refuses.
    const achDispute = (await knex()('disputes').where({ payment_id: res.body.payment.id }).first('id')).id as string;
    expect((await admin.get(`/api/app/disputes/${achDispute}/evidence`)).body.notContestableReason).toMatch(/^Bank \(ACH\) disputes are final/);
    const refused = await admin.post(`/api/app/disputes/${achDispute}/evidence`, { explanation: 'The client authorized this debit.' });
    expect([refused.status, refused.body.error.code]).toEqual([409, 'DISPUTE_NOT_CONTESTABLE']);
    // Whichever told Settle first (the lost dispute or the mandate it voided), the client is emailed once, with the reason.
    const { autopay_paused_reason: reason } = await knex()('clients').where({ id: other.client.id }).first('autopay_paused_reason');
    const mails = (await knex()('outbox').where({ installation_id: p.inst.id, kind: 'email' }).where('dedupe_key', 'like', `autopay-paused:${other.client.id}:%`).select('payload')) as Array<{ payload: { to: string; subject: string; text: string } }>;
    expect(mails).toHaveLength(1);
    expect(mails[0]!.payload.to).toBe(other.user.email);
    expect(mails[0]!.payload.text.replace(/\s+/g, ' ')).toContain(reason);
  });
});

describe('money arriving without a Settle payment', () => {
  it('a bank transfer naming an invoice is applied; one from a customer Settle cannot place waits in the queue', async () => {
    const inv = await makeInvoice(p.inst.scope, p.client.id, { total: 51_234, number: 'BT-7001' });
    await p.stripe.testHelpers.customers.fundCashBalance(p.customer.id, { amount: 51_234, currency: 'usd', reference: 'Payment BT 7001' });
    await until(() => invoiceRow(knex(), inv.id), (r) => r?.status === 'paid', 'bank transfer applied');
    const stranger = await p.stripe.customers.create({ name: 'Unmapped Payer Inc' });
    await p.stripe.testHelpers.customers.fundCashBalance(stranger.id, { amount: 777, currency: 'usd', reference: 'misc' });
    await settled();
    const transfers = await knex()('payments').where({ installation_id: p.inst.id, source: 'bank_transfer' }).orderBy('amount').select('id', 'amount', 'client_id');
    expect(transfers.map((t: any) => t.amount)).toEqual([777, 51_234]);
    const allocation = await knex()('allocations').where({ payment_id: transfers[1].id }).first('rule', 'confidence', 'amount');
    expect(allocation).toMatchObject({ rule: 'invoice_number', amount: 51_234 });
    const queue = await admin.get('/api/app/exceptions');
    expect(queue.body.exceptions.some((e: any) => e.payment.id === transfers[0].id)).toBe(true);
  });

  it('a Stripe payment made elsewhere for a mapped customer is imported and matched', async () => {
    const inv = await makeInvoice(p.inst.scope, p.client.id, { total: 6_543, number: 'EXT-1' });
    await p.stripe.paymentIntents.create({ amount: 6_543, currency: 'usd', customer: p.customer.id, payment_method: 'pm_card_visa', confirm: true, allowed_payment_method_types: ['card'] } as never);
    await until(() => invoiceRow(knex(), inv.id), (r) => r?.status === 'paid', 'external payment applied');
    await settled();
    expect(await knex()('payments').where({ installation_id: p.inst.id, source: 'stripe' }).count({ n: '*' })).toEqual([{ n: expect.anything() }]);
  });
});

describe('payouts and the end state', () => {
  it('imports the payout on payout.paid with its totals and invoices, exports CSV, and re-import changes nothing', async () => {
    const res = await fetch(`${app.emulator!.url}/_emulator/payouts`, { method: 'POST', headers: { authorization: `Bearer ${p.inst.secretKey}`, 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(200);
    const payout = (await res.json()) as { id: string; amount: number };
    const list = await until(() => admin.get('/api/app/payouts'), (r) => Boolean(r.body.payouts?.some((x: any) => x.stripePayoutId === payout.id && x.imported)), 'payout imported');
    const summary = list.body.payouts.find((x: any) => x.stripePayoutId === payout.id);
    expect(summary.net).toBe(payout.amount);
    expect(summary.gross + summary.refunds + summary.disputes + summary.other - summary.fees).toBe(summary.net);
    expect(summary.refunds).toBeLessThan(0);
    expect(summary.disputes).toBeLessThan(0);
    expect(summary.fees).toBeGreaterThan(0);
    const detail = await admin.get(`/api/app/payouts/${summary.id}`);
    const charge = detail.body.transactions.find((t: any) => t.invoiceNumbers.includes('R-1') && t.type === 'charge');
    expect(charge).toMatchObject({ amount: 30_000, fee: 900, net: 29_100, clientName: 'Fabrikam Clinics' });
    const csv = await admin.get(`/api/app/payouts/${summary.id}/export.csv`);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = (csv.body as string).trimEnd().split('\r\n');
    expect(lines[0]).toBe('payout_id,payout_arrival_date,payout_status,balance_transaction_id,created_at,type,reporting_category,currency,gross,fee,net,client,settle_payment_id,invoices,description,source_id');
    expect(lines.some((l) => l.includes(',charge,charge,USD,300.00,9.00,291.00,Fabrikam Clinics,'))).toBe(true);
    const range = await admin.get(`/api/app/payouts/export.csv?from=2000-01-01&to=2100-01-01`);
    expect((range.body as string).split('\r\n').length).toBeGreaterThanOrEqual(lines.length);
    const bad = await admin.get('/api/app/payouts?from=2026-13-01');
    expect(bad.status).toBe(400);

    const before = await ledgerCounts(knex(), p.inst.id);
    const rows = await knex()('payout_transactions').where({ installation_id: p.inst.id }).count({ n: '*' });
    const { stripe } = await app.runtime.ctx.stripe.forInstallation(knex(), p.inst.id);
    const again = await importPayout({ scope: p.inst.scope, stripe, clock: app.clock, logger: app.runtime.ctx.logger, publicUrl: app.url, payoutId: payout.id });
    expect(again.outcome).toBe('unchanged');
    expect(await knex()('payout_transactions').where({ installation_id: p.inst.id }).count({ n: '*' })).toEqual(rows);
    expect(await ledgerCounts(knex(), p.inst.id)).toEqual(before);

    // Every webhook replayed once more (a Stripe retry storm): nothing changes.
    await knex()('stripe_events').where({ installation_id: p.inst.id, status: 'processed' }).update({ status: 'pending' });
    await processStripeEvents(app.runtime.ctx);
    await settled();
    expect(await ledgerCounts(knex(), p.inst.id)).toEqual(before);
    expect(await checkLedgerConsistency(p.inst.scope)).toMatchObject({ invoiceMismatches: [], paymentMismatches: [], negativeCredit: [] });
  });
});
