// Completing on-session an automatic charge that needed authentication: the portal endpoints behind
// the "Confirm your payment" email, against the Stripe emulator (its 3-D Secure page stands in for
// the issuer). The same intent is confirmed again with the same card, the bank's check completes, the
// payment converges, the invoice is paid once and one receipt is queued. A canceled intent is
// reported plainly (pay the invoice normally); other clients get 404; bad ids change nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chargeInvoice } from '../../server/autopay/charge-invoice';
import { selectDueInvoices } from '../../server/autopay/run-autopay';
import { ManualClock } from '../../server/clock';
import { runNotifications } from '../../server/notifications/run-notifications';
import { offSessionChargeNeedingAuthentication } from '../support/authentication-fixtures';
import { makeInvoice } from '../support/factories';
import { addPayingClient, makePayingClient, saveCard } from '../support/payment-fixtures';
import { startTestApp, type TestApp } from '../support/test-app';

let app: TestApp;
const clock = new ManualClock('2026-12-01T15:00:00Z');

beforeAll(async () => {
  app = await startTestApp({ clock, stripeEmulator: {} });
});
afterAll(() => app?.close());

const knex = () => app.db.database.knex;
const ctx = () => app.runtime.ctx;
const path = (id: string) => `/api/portal/authentications/${id}`;

/** What the emulator's 3-D Secure page does when the cardholder presses "Complete authentication". */
async function issuerApproves(intentId: string) {
  const res = await fetch(`${app.emulator!.url}/_emulator/3ds/${intentId}?mode=sdk`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'action=complete' });
  expect(res.status).toBe(200);
}

const counts = async (paymentId: string) => ({
  audits: Number((await knex()('audit_log').where({ subject_id: paymentId }).count({ n: '*' }))[0]!.n),
  status: (await knex()('payments').where({ id: paymentId }).first('status')).status as string,
});

describe('confirming an automatic charge on-session', () => {
  it('confirms the same intent with the same card, completes 3-D Secure, and pays the invoice once with one receipt', async () => {
    const p = await makePayingClient(app);
    const card = await saveCard(p, 'pm_card_authenticationRequired');
    const inv = await makeInvoice(p.inst.scope, p.client.id, { total: 15_000, number: 'INV-AUTH' });
    const { paymentId, intentId } = await offSessionChargeNeedingAuthentication(ctx(), p, card, inv);
    expect((await p.stripe.paymentIntents.retrieve(intentId)).status).toBe('requires_payment_method');

    // The email links here.
    await runNotifications(ctx());
    const email = await knex()('outbox').where({ installation_id: p.inst.id, kind: 'email' }).where('dedupe_key', 'like', 'attempt:%').first('payload');
    expect(email.payload.text).toContain(`/portal/authenticate/${paymentId}`);

    const before = await p.agent.get(path(paymentId));
    expect(before.status).toBe(200);
    expect(before.body.authentication).toMatchObject({
      paymentId, state: 'needs_authentication', amount: 15_000, currency: 'USD', methodLabel: 'Visa •••• 3184',
      invoices: [{ id: inv.id, number: 'INV-AUTH', dueDate: '2026-12-01', amountRemaining: 15_000, status: 'open' }],
    });
    expect(before.body.authentication.message).toMatch(/^Your bank asks you to confirm this payment with Visa •••• 3184\. Nothing has been charged yet\.$/);

    const started = await p.agent.post(`${path(paymentId)}/start`);
    expect(started.status).toBe(200);
    expect(started.body.clientSecret).toMatch(new RegExp(`^${intentId}_secret_`));
    expect(started.body.authentication.payment.status).toBe('requires_action');
    const intent = await p.stripe.paymentIntents.retrieve(intentId);
    expect(intent).toMatchObject({ status: 'requires_action', payment_method: card.stripeId });
    // A second click (another tab): the intent waiting for the bank is not confirmed again.
    const again = await p.agent.post(`${path(paymentId)}/start`);
    expect(again.body.clientSecret).toBe(started.body.clientSecret);
    expect((await knex()('audit_log').where({ subject_id: paymentId, action: 'payment.authentication_started' })).length).toBe(2);

    await issuerApproves(intentId);
    const after = await p.agent.get(path(paymentId));
    expect(after.body.authentication).toMatchObject({ state: 'succeeded', invoices: [{ status: 'paid', amountRemaining: 0 }] });
    expect(await knex()('invoices').where({ id: inv.id }).first('status', 'amount_paid')).toEqual({ status: 'paid', amount_paid: 15_000 });
    expect(await knex()('allocations').where({ payment_id: paymentId }).select('state', 'amount')).toEqual([{ state: 'applied', amount: 15_000 }]);
    // Exactly one charge in Stripe for this invoice.
    const charges = (await p.stripe.paymentIntents.list({ customer: p.customer.id })).data.filter((pi) => pi.status === 'succeeded');
    expect(charges.map((pi) => pi.id)).toEqual([intentId]);
    await p.agent.get(path(paymentId));
    expect(await knex()('outbox').where({ installation_id: p.inst.id, kind: 'email' }).where('dedupe_key', 'like', `receipt:${paymentId}:%`)).toHaveLength(1);
    // Nothing left to authenticate: start answers with no secret and changes nothing.
    const done = await p.agent.post(`${path(paymentId)}/start`);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ clientSecret: null, authentication: { state: 'succeeded' } });
  });

  it('a failed challenge can be tried again; the payment is never charged twice', async () => {
    const p = await makePayingClient(app);
    const card = await saveCard(p, 'pm_card_authenticationRequired');
    const inv = await makeInvoice(p.inst.scope, p.client.id, { total: 7_700 });
    const { paymentId, intentId } = await offSessionChargeNeedingAuthentication(ctx(), p, card, inv);
    await p.agent.post(`${path(paymentId)}/start`);
    const fail = await fetch(`${app.emulator!.url}/_emulator/3ds/${intentId}?mode=sdk`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'action=fail' });
    expect(fail.status).toBe(200);
    const failed = await p.agent.get(path(paymentId));
    expect(failed.body.authentication).toMatchObject({ state: 'needs_authentication', payment: { status: 'failed' } });
    const retry = await p.agent.post(`${path(paymentId)}/start`);
    expect(retry.body.clientSecret).toMatch(/_secret_/);
    await issuerApproves(intentId);
    expect((await p.agent.get(path(paymentId))).body.authentication.state).toBe('succeeded');
    expect(await knex()('invoices').where({ id: inv.id }).first('status', 'amount_paid')).toEqual({ status: 'paid', amount_paid: 7_700 });
  });

  it('says plainly when the charge was canceled (autopay cancels failed intents) and lets the client pay normally', async () => {
    const p = await makePayingClient(app);
    const card = await saveCard(p, 'pm_card_authenticationRequired');
    await knex()('clients').where({ id: p.client.id }).update({ autopay_enabled: true, autopay_payment_method_id: card.id });
    const inv = await makeInvoice(p.inst.scope, p.client.id, { total: 5_000, dueDate: '2026-11-30', number: 'INV-CXL' });
    const [candidate] = await selectDueInvoices(ctx(), p.inst.scope);
    await chargeInvoice(ctx(), p.inst.scope, p.stripe, candidate!, { retryScheduleDays: [3], achMaxRetries: 1 });
    const { payment_id: paymentId, } = await knex()('charge_attempts').where({ invoice_id: inv.id }).first('payment_id');
    const { stripe_payment_intent_id: intentId } = await knex()('payments').where({ id: paymentId }).first('stripe_payment_intent_id');
    // Whatever the engine did with the intent, cancel it now: the case this test is about.
    const pi = await p.stripe.paymentIntents.retrieve(intentId);
    if (pi.status !== 'canceled') await p.stripe.paymentIntents.cancel(intentId);

    const view = await p.agent.get(path(paymentId));
    expect(view.body.authentication).toMatchObject({ state: 'unavailable', message: 'This automatic payment can no longer be confirmed, and nothing was charged for it. You can pay the invoice now instead.' });
    const before = await counts(paymentId);
    const start = await p.agent.post(`${path(paymentId)}/start`);
    expect(start.status).toBe(409);
    expect(start.body.error.code).toBe('PAYMENT_AUTHENTICATION_UNAVAILABLE');
    expect(await counts(paymentId)).toEqual(before);
    // Paying normally works: the saved card on-session asks for 3-D Secure, then the invoice is paid.
    const paid = await p.agent.post('/api/portal/payments', { invoiceIds: [inv.id], paymentMethodId: card.id });
    expect(paid.status).toBe(201);
    expect(paid.body.payment.status).toBe('requires_action');
  });

  it("answers 404 for another client's payment and for ids that are not payments, and changes nothing", async () => {
    const owner = await makePayingClient(app);
    const card = await saveCard(owner, 'pm_card_authenticationRequired');
    const inv = await makeInvoice(owner.inst.scope, owner.client.id, { total: 4_000 });
    const { paymentId, intentId } = await offSessionChargeNeedingAuthentication(ctx(), owner, card, inv);
    const stranger = await addPayingClient(app, owner.inst);
    const before = await counts(paymentId);
    for (const id of [paymentId, 'not-a-uuid', '00000000-0000-4000-8000-000000000000']) {
      for (const res of [await stranger.agent.get(path(id)), await stranger.agent.post(`${path(id)}/start`)]) {
        expect(res.status, id).toBe(404);
        expect(res.body.error.code).toBe('PAYMENT_NOT_FOUND');
      }
    }
    expect((await stranger.agent.post(`${path(paymentId)}/start`, undefined, { csrf: false })).status).toBe(403);
    expect(await counts(paymentId)).toEqual(before);
    expect((await owner.stripe.paymentIntents.retrieve(intentId)).status).toBe('requires_payment_method');
  });
});
