// Technician autopay actions over HTTP, against the Stripe emulator through the real SDK: the client's
// autopay status and upcoming charges; charge now (the engine's exactly-once path — two clicks at
// once make one PaymentIntent) and its refusals; skip / unskip an invoice (the run leaves it alone);
// pause / resume a client. Each change audited with the technician; refusals change nothing.
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAutopay } from '../../server/autopay/run-autopay';
import { ManualClock } from '../../server/clock';
import { makeInvoice, makeStaffUser } from '../support/factories';
import { Agent } from '../support/http-agent';
import { addPayingClient, makePayingClient, saveCard } from '../support/payment-fixtures';
import { startTestApp, type TestApp } from '../support/test-app';

let app: TestApp;
const clock = new ManualClock('2026-12-01T15:00:00Z'); // 10:00 in New York, after the 09:00 run time

beforeAll(async () => {
  app = await startTestApp({ clock, stripeEmulator: true });
});
afterAll(() => app?.close());

const knex = () => app.db.database.knex;
const ctx = () => app.runtime.ctx;
type Paying = Awaited<ReturnType<typeof makePayingClient>>;

async function withAutopay(p: Paying, token = 'pm_card_visa') {
  const method = await saveCard(p, token);
  await knex()('clients').where({ id: p.client.id }).update({ autopay_enabled: true, autopay_payment_method_id: method.id });
  return method;
}

async function technician(p: Paying) {
  const tech = await makeStaffUser(p.inst.scope);
  const agent = new Agent(app.url);
  await agent.login('app', tech.email, tech.password);
  return { agent, tech };
}

async function intentsFor(p: { stripe: Stripe; customer: { id: string } }, invoiceId: string) {
  const list = await p.stripe.paymentIntents.list({ customer: p.customer.id, limit: 100 });
  return list.data.filter((pi) => pi.metadata.settle_invoice_id === invoiceId);
}

const audits = (action: string, subjectId: string) => knex()('audit_log').where({ action, subject_id: subjectId }).orderBy('id').select('actor_type', 'actor_label', 'details');
const attempts = (invoiceId: string) => knex()('charge_attempts').where({ invoice_id: invoiceId }).orderBy('attempt_no').select('attempt_no', 'status', 'trigger');

describe('autopay status', () => {
  it('shows on/off, the method, and each owed invoice with what autopay does next and when', async () => {
    const p = await makePayingClient(app);
    const { agent } = await technician(p);
    await knex()('installations').where({ id: p.inst.id }).update({ settings: JSON.stringify({ autopay: { maxAmount: 50_000 } }) });
    const off = await agent.get(`/api/app/clients/${p.client.id}/autopay`);
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    expect(off.body.autopay).toMatchObject({ state: 'off', enabled: false, method: null, upcoming: [] });

    await withAutopay(p);
    const overdue = await makeInvoice(p.inst.scope, p.client.id, { total: 1_200, dueDate: '2026-11-20', number: 'A-1' });
    const later = await makeInvoice(p.inst.scope, p.client.id, { total: 3_400, dueDate: '2026-12-15', number: 'A-2' });
    const big = await makeInvoice(p.inst.scope, p.client.id, { total: 90_000, dueDate: '2026-12-10', number: 'A-3' });
    await makeInvoice(p.inst.scope, p.client.id, { total: 500, dueDate: '2026-11-01', status: 'paid', number: 'A-0' });
    const on = (await agent.get(`/api/app/clients/${p.client.id}/autopay`)).body.autopay;
    expect(on).toMatchObject({ state: 'on', enabled: true, pause: null, method: { label: 'Visa •••• 4242', usable: true }, schedule: { runAt: '09:00', timezone: 'America/New_York', maxAmount: 50_000 } });
    expect(on.upcoming.map((u: { invoiceId: string; state: string; nextChargeOn: string | null }) => [u.invoiceId, u.state, u.nextChargeOn])).toEqual([
      [overdue.id, 'scheduled', '2026-12-01'],
      [big.id, 'above_maximum', null],
      [later.id, 'scheduled', '2026-12-15'],
    ]);

    expect((await agent.get(`/api/app/clients/not-a-uuid/autopay`)).body.error.code).toBe('CLIENT_NOT_FOUND');
    const other = await makePayingClient(app);
    expect((await agent.get(`/api/app/clients/${other.client.id}/autopay`)).status).toBe(404); // another installation's client
    expect((await new Agent(app.url).get(`/api/app/clients/${p.client.id}/autopay`)).status).toBe(401);
  });
});

describe('charge now', () => {
  it('charges through the exactly-once path, audited with the technician; the timeline shows it', async () => {
    const p = await makePayingClient(app);
    const { agent, tech } = await technician(p);
    await withAutopay(p);
    const inv = await makeInvoice(p.inst.scope, p.client.id, { total: 7_700, dueDate: '2026-12-20' }); // before its due date: allowed on request
    const res = await agent.post(`/api/app/invoices/${inv.id}/autopay/charge-now`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.outcome).toBe('succeeded');
    expect(res.body.autopay.attempts).toHaveLength(1);
    expect(res.body.autopay.attempts[0]).toMatchObject({ attemptNo: 1, trigger: 'charge_now', method: 'Visa •••• 4242', amount: 7_700, outcome: 'succeeded', reason: null, next: 'Paid.' });
    expect(res.body.autopay.plan.state).toBe('not_payable');
    expect(await knex()('invoices').where({ id: inv.id }).first('status', 'amount_remaining')).toEqual({ status: 'paid', amount_remaining: 0 });
    const [pi] = await intentsFor(p, inv.id);
    expect(pi).toMatchObject({ amount: 7_700, status: 'succeeded', metadata: { settle_attempt_no: '1' } });
    expect(await audits('autopay.charged_now', inv.id)).toEqual([{ actor_type: 'staff', actor_label: tech.email, details: expect.objectContaining({ attemptNo: 1, outcome: 'succeeded', amount: 7_700 }) }]);

    // Paid now: refused, nothing new.
    const again = await agent.post(`/api/app/invoices/${inv.id}/autopay/charge-now`);
    expect([again.status, again.body.error.code]).toEqual([409, 'INVOICE_NOT_PAYABLE']);
    expect(await intentsFor(p, inv.id)).toHaveLength(1);
  });

  it('two clicks at once make one PaymentIntent', async () => {
    const p = await makePayingClient(app);
    const { agent } = await technician(p);
    await withAutopay(p);
    const inv = await makeInvoice(p.inst.scope, p.client.id, { total: 4_321, dueDate: '2026-11-30' });
    const results = await Promise.all(Array.from({ length: 4 }, () => agent.post(`/api/app/invoices/${inv.id}/autopay/charge-now`)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    for (const r of results.filter((x) => x.status !== 200)) {
      expect(r.status).toBe(409);
      expect(['PAYMENT_IN_FLIGHT', 'INVOICE_NOT_PAYABLE']).toContain(r.body.error.code);
    }
    expect(await intentsFor(p, inv.id)).toHaveLength(1);
    expect(await attempts(inv.id)).toEqual([{ attempt_no: 1, status: 'succeeded', trigger: 'charge_now' }]);
    expect(await knex()('invoices').where({ id: inv.id }).first('amount_paid')).toEqual({ amount_paid: 4_321 });
    // Neither does the autopay run charge it afterwards.
    await runAutopay(ctx(), p.inst.id);
    expect(await intentsFor(p, inv.id)).toHaveLength(1);
  });

  it('a decline is shown in plain words with the next retry; charging again is the next attempt', async () => {
    const p = await makePayingClient(app);
    const { agent } = await technician(p);
    await withAutopay(p, 'pm_card_chargeCustomerFail');
    const inv = await makeInvoice(p.inst.scope, p.client.id, { total: 2_500, dueDate: '2026-11-30' });
    const first = await agent.post(`/api/app/invoices/${inv.id}/autopay/charge-now`);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.outcome).toBe('failed');
    expect(first.body.autopay.attempts[0]).toMatchObject({ outcome: 'failed', failureCode: 'card_declined', declineKind: 'soft', reason: 'The card was declined by its bank.', nextRetryAt: '2026-12-04T15:00:00.000Z' });
    expect(first.body.autopay.plan).toMatchObject({ state: 'retry_scheduled', nextChargeOn: '2026-12-04' });
    expect(first.body.autopay.actions.chargeNow).toEqual({ allowed: true, reason: null });
    const second = await agent.post(`/api/app/invoices/${inv.id}/autopay/charge-now`);
    expect(second.body.outcome).toBe('failed');
    expect(second.body.autopay.attempts.map((a: { attemptNo: number }) => a.attemptNo)).toEqual([2, 1]); // newest first
    expect(await intentsFor(p, inv.id)).toHaveLength(2);
    expect((await intentsFor(p, inv.id)).every((pi) => pi.status === 'canceled')).toBe(true);
  });

  it('refuses, with nothing charged: void, nothing owed, in flight, autopay off, no usable method, above the maximum, bad ids and input', async () => {
    const p = await makePayingClient(app);
    const { agent } = await technician(p);
    const code = async (invoiceId: string, body?: unknown) => {
      const r = await agent.post(`/api/app/invoices/${invoiceId}/autopay/charge-now`, body);
      return [r.status, r.body.error?.code];
    };
    const open = await makeInvoice(p.inst.scope, p.client.id, { total: 1_000, dueDate: '2026-11-30' });
    expect(await code(open.id)).toEqual([409, 'AUTOPAY_NOT_ENABLED']);
    await knex()('clients').where({ id: p.client.id }).update({ autopay_enabled: true });
    expect(await code(open.id)).toEqual([409, 'PAYMENT_METHOD_NOT_USABLE']);
    const card = await withAutopay(p, 'pm_card_visa');
    await knex()('payment_methods').where({ id: card.id }).update({ exp_year: 2025 });
    const expired = await agent.post(`/api/app/invoices/${open.id}/autopay/charge-now`);
    expect([expired.status, expired.body.error.code, expired.body.error.message]).toEqual([409, 'PAYMENT_METHOD_NOT_USABLE', 'Visa •••• 4242 has expired, so it cannot be charged.']);
    await knex()('payment_methods').where({ id: card.id }).update({ exp_year: 2030 });

    const voided = await makeInvoice(p.inst.scope, p.client.id, { total: 1_000, status: 'void' });
    const zero = await makeInvoice(p.inst.scope, p.client.id, { total: 0 });
    expect(await code(voided.id)).toEqual([409, 'INVOICE_NOT_PAYABLE']);
    expect(await code(zero.id)).toEqual([409, 'INVOICE_NOT_PAYABLE']);
    // A portal payment in progress holds the invoice.
    const portal = await p.agent.post('/api/portal/payments', { invoiceIds: [open.id], methodType: 'card' });
    expect(portal.status, JSON.stringify(portal.body)).toBeLessThan(300);
    expect(await code(open.id)).toEqual([409, 'PAYMENT_IN_FLIGHT']);
    await knex()('installations').where({ id: p.inst.id }).update({ settings: JSON.stringify({ autopay: { maxAmount: 500 } }) });
    const big = await makeInvoice(p.inst.scope, p.client.id, { total: 600, dueDate: '2026-11-30' });
    expect(await code(big.id)).toEqual([409, 'AUTOPAY_AMOUNT_ABOVE_MAXIMUM']);
    expect(await code(big.id, { amount: 1 })).toEqual([400, 'VALIDATION_FAILED']);
    expect(await code('nope')).toEqual([404, 'INVOICE_NOT_FOUND']);
    const stranger = await makePayingClient(app);
    const theirs = await makeInvoice(stranger.inst.scope, stranger.client.id, { total: 100 });
    expect(await code(theirs.id)).toEqual([404, 'INVOICE_NOT_FOUND']);
    const noCsrf = await agent.post(`/api/app/invoices/${big.id}/autopay/charge-now`, undefined, { csrf: false });
    expect([noCsrf.status, noCsrf.body.error.code]).toEqual([403, 'AUTH_CSRF_FAILED']);

    const touched = [open.id, voided.id, zero.id, big.id];
    expect(await knex()('charge_attempts').whereIn('invoice_id', touched).count({ n: '*' }).first().then((r) => Number(r!.n))).toBe(0);
    expect(await knex()('audit_log').where({ action: 'autopay.charged_now' }).whereIn('subject_id', touched).count({ n: '*' }).first().then((r) => Number(r!.n))).toBe(0);
    for (const id of [voided.id, zero.id, big.id]) expect(await intentsFor(p, id)).toHaveLength(0);
  });
});

describe('skip an invoice', () => {
  it('the run leaves a skipped invoice alone until it is unskipped; skipping twice records once', async () => {
    const p = await makePayingClient(app);
    const { agent, tech } = await technician(p);
    await withAutopay(p);
    const skipped = await makeInvoice(p.inst.scope, p.client.id, { total: 1_100, dueDate: '2026-11-29' });
    const charged = await makeInvoice(p.inst.scope, p.client.id, { total: 2_200, dueDate: '2026-11-29' });
    const res = await agent.post(`/api/app/invoices/${skipped.id}/autopay/skip`, { reason: 'Disputed line item, waiting for the PSA credit note' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.autopay).toMatchObject({ plan: { state: 'skipped', nextChargeOn: null }, skipped: { reason: 'Disputed line item, waiting for the PSA credit note' }, actions: { skip: false, unskip: true } });
    expect(res.body.autopay.skipped.by).toContain('Staff');
    expect((await agent.post(`/api/app/invoices/${skipped.id}/autopay/skip`, {})).status).toBe(200);
    expect(await audits('autopay.invoice_skipped', skipped.id)).toEqual([{ actor_type: 'staff', actor_label: tech.email, details: { reason: 'Disputed line item, waiting for the PSA credit note' } }]);

    // The client's portal (and so the upcoming-charge email) no longer lists it as scheduled.
    const portal = (await p.agent.get('/api/portal/autopay')).body.autopay.scheduled as Array<{ invoiceId: string; willCharge: boolean; reason: string | null }>;
    expect(portal.find((s) => s.invoiceId === skipped.id)).toMatchObject({ willCharge: false, reason: expect.stringContaining('set this invoice aside from autopay') });
    expect(portal.find((s) => s.invoiceId === charged.id)).toMatchObject({ willCharge: true });
    const status = (await agent.get(`/api/app/clients/${p.client.id}/autopay`)).body.autopay;
    expect(status.upcoming.find((u: { invoiceId: string }) => u.invoiceId === skipped.id)).toMatchObject({ state: 'skipped' });
    expect(await runAutopay(ctx(), p.inst.id)).toMatchObject({ candidates: 1, succeeded: 1 });
    expect(await intentsFor(p, skipped.id)).toHaveLength(0);
    expect(await intentsFor(p, charged.id)).toHaveLength(1);

    const unskip = await agent.request('DELETE', `/api/app/invoices/${skipped.id}/autopay/skip`);
    expect(unskip.status).toBe(200);
    expect(unskip.body.autopay).toMatchObject({ skipped: null, plan: { state: 'scheduled', nextChargeOn: '2026-12-01' } });
    expect(await knex()('audit_log').where({ action: 'autopay.invoice_unskipped', subject_id: skipped.id }).count({ n: '*' }).first().then((r) => Number(r!.n))).toBe(1);
    expect(await runAutopay(ctx(), p.inst.id)).toMatchObject({ candidates: 1, succeeded: 1 });
    expect(await intentsFor(p, skipped.id)).toHaveLength(1);

    // Paid: nothing to skip. Bad input: 400, nothing changed.
    const paid = await agent.post(`/api/app/invoices/${charged.id}/autopay/skip`, {});
    expect([paid.status, paid.body.error.code]).toEqual([409, 'INVOICE_NOT_PAYABLE']);
    const open = await makeInvoice(p.inst.scope, p.client.id, { total: 300 });
    const tooLong = await agent.post(`/api/app/invoices/${open.id}/autopay/skip`, { reason: 'x'.repeat(301) });
    expect([tooLong.status, tooLong.body.error.code, tooLong.body.error.fields[0].path]).toEqual([400, 'VALIDATION_FAILED', 'reason']);
    expect((await agent.post(`/api/app/invoices/${open.id}/autopay/skip`, { until: 'tomorrow' })).status).toBe(400);
    expect(await knex()('invoices').where({ id: open.id }).first('autopay_skipped_at')).toEqual({ autopay_skipped_at: null });
  });
});

describe('pause and resume', () => {
  it('a paused client is not charged; the client reads why in the portal; resuming charges again', async () => {
    const p = await makePayingClient(app);
    const { agent, tech } = await technician(p);
    await withAutopay(p);
    const inv = await makeInvoice(p.inst.scope, p.client.id, { total: 6_000, dueDate: '2026-11-30' });

    const missing = await agent.post(`/api/app/clients/${p.client.id}/autopay/pause`, {});
    expect([missing.status, missing.body.error.code, missing.body.error.fields[0].path]).toEqual([400, 'VALIDATION_FAILED', 'reason']);
    const paused = await agent.post(`/api/app/clients/${p.client.id}/autopay/pause`, { reason: 'Contract renewal under review.' });
    expect(paused.status, JSON.stringify(paused.body)).toBe(200);
    expect(paused.body.autopay).toMatchObject({ state: 'paused', pause: { reason: 'Contract renewal under review.', pausedBy: tech.email, byTechnician: true, pausedAt: '2026-12-01T15:00:00.000Z' } });
    expect(paused.body.autopay.upcoming[0]).toMatchObject({ invoiceId: inv.id, state: 'paused', nextChargeOn: null });
    // Twice: the first reason stays, one audit entry.
    await agent.post(`/api/app/clients/${p.client.id}/autopay/pause`, { reason: 'Another reason' });
    expect(await audits('autopay.paused', p.client.id)).toEqual([{ actor_type: 'staff', actor_label: tech.email, details: { cause: 'technician', reason: 'Contract renewal under review.' } }]);
    expect((await p.agent.get('/api/portal/autopay')).body.autopay.pausedReason).toBe('Contract renewal under review.');
    // The notice at the top of the client page says who paused it and how to undo it.
    expect((await agent.get(`/api/app/clients/${p.client.id}/autopay-pause`)).body.pause).toMatchObject({ reason: 'Contract renewal under review.', nextStep: expect.stringMatching(new RegExp(`^${tech.email.replace(/[.]/g, '\\.')} paused autopay\\. Resume it from the Autopay card`)) });

    expect(await runAutopay(ctx(), p.inst.id)).toMatchObject({ candidates: 0 });
    expect(await intentsFor(p, inv.id)).toHaveLength(0);

    const resumed = await agent.post(`/api/app/clients/${p.client.id}/autopay/resume`);
    expect(resumed.status, JSON.stringify(resumed.body)).toBe(200);
    expect(resumed.body.autopay).toMatchObject({ state: 'on', pause: null });
    expect(await audits('autopay.resumed', p.client.id)).toEqual([{ actor_type: 'staff', actor_label: tech.email, details: { previousReason: 'Contract renewal under review.' } }]);
    expect(await runAutopay(ctx(), p.inst.id)).toMatchObject({ candidates: 1, succeeded: 1 });
    expect(await intentsFor(p, inv.id)).toHaveLength(1);
  });

  it('refuses to resume onto a method that cannot be charged, and to pause autopay that is off', async () => {
    const p = await makePayingClient(app);
    const { agent } = await technician(p);
    const method = await withAutopay(p);
    // Settle paused it because the card was removed.
    await knex()('payment_methods').where({ id: method.id }).update({ status: 'detached' });
    await knex()('clients').where({ id: p.client.id }).update({ autopay_paused_reason: 'Visa •••• 4242 was removed, so it cannot be charged.' });
    const status = (await agent.get(`/api/app/clients/${p.client.id}/autopay`)).body.autopay;
    expect(status).toMatchObject({ state: 'paused', method: { usable: false, problem: 'Visa •••• 4242 was removed, so it cannot be charged.' } });
    const resume = await agent.post(`/api/app/clients/${p.client.id}/autopay/resume`);
    expect([resume.status, resume.body.error.code]).toEqual([409, 'PAYMENT_METHOD_NOT_USABLE']);
    expect(resume.body.error.message).toContain('was removed');
    expect(await knex()('clients').where({ id: p.client.id }).first('autopay_paused_reason')).toEqual({ autopay_paused_reason: 'Visa •••• 4242 was removed, so it cannot be charged.' });
    expect(await audits('autopay.resumed', p.client.id)).toEqual([]);

    const manual = await addPayingClient(app, p.inst);
    const off = await agent.post(`/api/app/clients/${manual.client.id}/autopay/pause`, { reason: 'Why not' });
    expect([off.status, off.body.error.code]).toEqual([409, 'AUTOPAY_NOT_ENABLED']);
    expect((await agent.post(`/api/app/clients/${manual.client.id}/autopay/resume`)).body.error.code).toBe('AUTOPAY_NOT_ENABLED');
    expect((await agent.post(`/api/app/clients/00000000-0000-4000-8000-000000000000/autopay/pause`, { reason: 'Nobody' })).body.error.code).toBe('CLIENT_NOT_FOUND');
  });
});
