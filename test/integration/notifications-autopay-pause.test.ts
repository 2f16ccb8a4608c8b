// Autopay pauses itself when its method can no longer be charged — an ACH dispute voids the bank
// debit mandate (mandate.updated), the card is detached (payment_method.detached), the bank account's
// verification fails — through the webhook pipeline (signed deliveries, each twice) and the portal's
// verify flow: the client is paused once with a plain reason, emailed once (essential), audited
// once; runs skip it; the portal and the technician's client page say why and what to do; choosing
// another verified method resumes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAutopay } from '../../server/autopay/run-autopay';
import { ManualClock } from '../../server/clock';
import { processStripeEvents } from '../../server/webhooks/process-stripe-events';
import { ensureWebhookEndpoint } from '../../server/webhooks/ensure-webhook-endpoint';
import { makeInstallation, makeInvoice, makeStaffUser } from '../support/factories';
import { Agent } from '../support/http-agent';
import { makePayingClient, saveCard, saveVerifiedBankAccount } from '../support/payment-fixtures';
import { startTestApp, type TestApp } from '../support/test-app';
import { eventPayload, postWebhook, signedHeader, webhookSecretOf } from '../support/webhook-fixtures';

let app: TestApp;
const clock = new ManualClock('2026-12-01T15:00:00Z');

beforeAll(async () => {
  // Bank debits settle only when a test moves the emulator's clock (deterministic on a slow machine).
  app = await startTestApp({ clock, realPublicUrl: true, stripeEmulator: { bankSettlementDelayMs: 60_000, microdepositType: 'amounts' } });
});
afterAll(() => app?.close());

const knex = () => app.db.database.knex;
const ctx = () => app.runtime.ctx;
const UA = { 'user-agent': 'Mozilla/5.0 (pause test)' };

async function payingClientWithAutopay(method: 'card' | 'ach-dispute') {
  const p = await makePayingClient(app);
  await ensureWebhookEndpoint(ctx(), p.inst.id);
  const staff = await makeStaffUser(p.inst.scope);
  const tech = new Agent(app.url);
  await tech.login('app', staff.email, staff.password);
  const saved = method === 'card' ? await saveCard(p) : await saveVerifiedBankAccount(p, '000555555559');
  const on = await p.agent.request('PUT', '/api/portal/autopay', { json: { enabled: true, paymentMethodId: saved.id, acceptConsent: true }, headers: UA });
  expect(on.status).toBe(200);
  return { ...p, saved, tech };
}

/** Delivers a signed event twice (Stripe retries, duplicates) and drains the ledger. */
async function deliverTwice(installationId: string, type: string, object: { id: string; object: string }) {
  const secret = await webhookSecretOf(ctx().db, ctx().secrets, installationId);
  const payload = eventPayload(type, object);
  for (let i = 0; i < 2; i++) {
    expect((await postWebhook(app.url, installationId, payload, signedHeader(payload, secret, Math.floor(clock.now().getTime() / 1000)))).status).toBe(200);
  }
  await processStripeEvents(ctx());
}

async function expectPausedOnce(p: Awaited<ReturnType<typeof payingClientWithAutopay>>, reason: RegExp) {
  const client = await knex()('clients').where({ id: p.client.id }).first('autopay_enabled', 'autopay_paused_reason', 'autopay_payment_method_id');
  expect(client.autopay_enabled).toBe(true);
  expect(client.autopay_paused_reason).toMatch(reason);
  const audits = (await knex()('audit_log').where({ client_id: p.client.id, action: 'autopay.paused' }).select('actor_type', 'details')) as Array<{ actor_type: string; details: { paymentMethodId: string; reason: string } }>;
  expect(audits).toEqual([{ actor_type: 'system', details: expect.objectContaining({ paymentMethodId: p.saved.id }) }]);
  // The method-state pause records its sentence; a pause by an ACH dispute records the cause's code.
  expect([client.autopay_paused_reason, 'ach_dispute']).toContain(audits[0]!.details.reason);
  const emails = (await knex()('outbox').where({ installation_id: p.inst.id, kind: 'email' }).where('dedupe_key', 'like', `autopay-paused:${p.client.id}:%`).select('payload')) as Array<{ payload: { to: string; subject: string; text: string; kind: string; listUnsubscribeUrl: string | null } }>;
  expect(emails).toHaveLength(1);
  expect(emails[0]!.payload).toMatchObject({ to: p.user.email, kind: 'transactional', listUnsubscribeUrl: null });
  expect(emails[0]!.payload.subject).toMatch(/^Autopay to .+ is paused: action needed$/);
  expect(emails[0]!.payload.text.replace(/\s+/g, ' ')).toContain(client.autopay_paused_reason);
  expect(emails[0]!.payload.text).toContain(`${app.url}/portal/autopay`);

  // The portal says why and what to do; the technician's client page too.
  const portal = (await p.agent.get('/api/portal/autopay')).body.autopay;
  expect(portal.pausedReason).toBe(client.autopay_paused_reason);
  const tech = await p.tech.get(`/api/app/clients/${p.client.id}/autopay-pause`);
  expect(tech.status).toBe(200);
  expect(tech.body).toEqual({ autopayEnabled: true, pause: { reason: client.autopay_paused_reason, pausedAt: clock.now().toISOString(), nextStep: expect.stringMatching(/choose another verified card or bank account/) } });
  return client.autopay_paused_reason as string;
}

describe('pausing autopay when its method can no longer be charged', () => {
  it('an ACH dispute voids the mandate: mandate.updated (delivered twice) pauses autopay once, and that account cannot carry autopay again', async () => {
    const p = await payingClientWithAutopay('ach-dispute');
    await makeInvoice(p.inst.scope, p.client.id, { total: 30_000, dueDate: '2026-11-30' });
    // The debit is accepted, settles, then the bank returns it as a dispute, which voids the mandate.
    expect(await runAutopay(ctx(), p.inst.id)).toMatchObject({ processing: 1 });
    const mandateId = (await knex()('payment_methods').where({ id: p.saved.id }).first('mandate_id')).mandate_id as string;
    expect((await p.stripe.mandates.retrieve(mandateId)).status).toBe('active');
    app.emulator!.control.advanceTime(5 * 24 * 3600);
    expect((await p.stripe.mandates.retrieve(mandateId)).status).toBe('inactive');

    await deliverTwice(p.inst.id, 'mandate.updated', { id: mandateId, object: 'mandate' });
    // Whichever the webhooks tell first — the mandate that went inactive or the dispute that voided
    // it — is a true reason; either pauses autopay once.
    const reason = await expectPausedOnce(p, /^(The authorization to debit STRIPE TEST BANK •••• 5559 is no longer active|your bank returned a payment, so the bank debit authorization is no longer valid)/);
    const portal = (await p.agent.get('/api/portal/autopay')).body.autopay;
    expect(portal.scheduled.every((s: { willCharge: boolean; reason: string }) => !s.willCharge && s.reason === `Autopay is paused: ${reason}`)).toBe(true);

    // The mandate stays inactive: the same bank account is refused for autopay.
    expect((await p.agent.request('PUT', '/api/portal/autopay', { json: { enabled: true, paymentMethodId: p.saved.id, acceptConsent: true }, headers: UA })).body.error.code).toBe('PAYMENT_METHOD_NOT_USABLE');
  });

  it('a detached card (payment_method.detached, twice) pauses autopay once; runs skip the client; another verified method resumes', async () => {
    const p = await payingClientWithAutopay('card');
    await p.stripe.paymentMethods.detach(p.saved.stripeId);
    await deliverTwice(p.inst.id, 'payment_method.detached', { id: p.saved.stripeId, object: 'payment_method' });
    await expectPausedOnce(p, /^Visa •••• 4242 was removed, so it cannot be charged\.$/);
    // Another delivery later changes nothing.
    await deliverTwice(p.inst.id, 'payment_method.detached', { id: p.saved.stripeId, object: 'payment_method' });
    expect(await knex()('audit_log').where({ client_id: p.client.id, action: 'autopay.paused' })).toHaveLength(1);

    // Paused: a run charges nothing, even with something due. Another verified method resumes.
    const due = await makeInvoice(p.inst.scope, p.client.id, { total: 1_000, dueDate: '2026-11-30' });
    expect(await runAutopay(ctx(), p.inst.id)).toMatchObject({ candidates: 0 });
    const card = await saveCard(p, 'pm_card_mastercard');
    const resumed = await p.agent.request('PUT', '/api/portal/autopay', { json: { enabled: true, paymentMethodId: card.id, acceptConsent: true }, headers: UA });
    expect(resumed.status).toBe(200);
    expect(resumed.body.autopay.pausedReason).toBeNull();
    expect((await p.tech.get(`/api/app/clients/${p.client.id}/autopay-pause`)).body).toEqual({ autopayEnabled: true, pause: null });
    expect(await runAutopay(ctx(), p.inst.id)).toMatchObject({ candidates: 1, succeeded: 1 });
    expect((await knex()('invoices').where({ id: due.id }).first('status')).status).toBe('paid');
  });

  it('a failed micro-deposit verification of the autopay bank account pauses autopay (portal verify flow)', async () => {
    // The portal only lets clients choose verified methods; an autopay method can still be an account
    // whose verification is pending when it was set some other way (say, before verification became
    // required), and its failure must not leave autopay pointing at it silently.
    const p = await payingClientWithAutopay('card');
    const setup = await p.agent.post('/api/portal/payment-methods/setup', { type: 'us_bank_account', acceptMandate: true }, { headers: UA });
    const bankId = setup.body.paymentMethod.id as string;
    const si = (await knex()('payment_methods').where({ id: bankId }).first('setup_intent_id')).setup_intent_id as string;
    await p.stripe.setupIntents.confirm(si, {
      payment_method_data: { type: 'us_bank_account', us_bank_account: { routing_number: '110000000', account_number: '000123456789', account_holder_type: 'company' }, billing_details: { name: 'Pat Contact' } },
      mandate_data: { customer_acceptance: { type: 'online', online: { ip_address: '203.0.113.9', user_agent: 'test' } } },
    });
    expect((await p.agent.post(`/api/portal/payment-methods/${bankId}/refresh`)).body.paymentMethod.status).toBe('pending_verification');
    await knex()('clients').where({ id: p.client.id }).update({ autopay_payment_method_id: bankId });
    p.saved = { ...p.saved, id: bankId };

    const res = await p.agent.post(`/api/portal/payment-methods/${bankId}/verify`, { amounts: [10, 11] });
    expect(res.body.error.code).toBe('VERIFICATION_ATTEMPTS_EXCEEDED');
    await expectPausedOnce(p, /^STRIPE TEST BANK •••• 6789 could not be verified, so it cannot be charged\.$/);
    // The webhook for the same failure arrives later (twice): nothing more happens.
    await deliverTwice(p.inst.id, 'setup_intent.setup_failed', { id: si, object: 'setup_intent' });
    expect(await knex()('audit_log').where({ client_id: p.client.id, action: 'autopay.paused' })).toHaveLength(1);
  });

  it('a method that is not the autopay method changes nothing; the technician endpoint refuses foreign and malformed ids', async () => {
    const p = await payingClientWithAutopay('card');
    const other = await saveCard(p, 'pm_card_mastercard');
    await p.stripe.paymentMethods.detach(other.stripeId);
    await deliverTwice(p.inst.id, 'payment_method.detached', { id: other.stripeId, object: 'payment_method' });
    expect((await knex()('payment_methods').where({ id: other.id }).first('status')).status).toBe('detached');
    expect((await knex()('clients').where({ id: p.client.id }).first('autopay_paused_reason')).autopay_paused_reason).toBeNull();
    expect(await knex()('audit_log').where({ client_id: p.client.id, action: 'autopay.paused' })).toEqual([]);

    const foreign = await makeInstallation(knex());
    const [foreignClient] = (await foreign.scope.insert('clients', { psa_ref: 'X-1', name: 'Foreign' }).returning('id')) as Array<{ id: string }>;
    for (const id of [foreignClient!.id, 'not-a-uuid', '00000000-0000-4000-8000-000000000000']) {
      const res = await p.tech.get(`/api/app/clients/${id}/autopay-pause`);
      expect(res.status, id).toBe(404);
      expect(res.body.error.code).toBe('CLIENT_NOT_FOUND');
    }
    expect((await new Agent(app.url).get(`/api/app/clients/${p.client.id}/autopay-pause`)).status).toBe(401);
  });
});
