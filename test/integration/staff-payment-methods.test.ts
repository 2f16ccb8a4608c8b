// A technician adds a card or a bank account on a client's behalf, against the Stripe emulator
// through the real SDK: the method is recorded as technician-entered (who, when, how the client
// authorized it, the exact text and its version); a bank account's SetupIntent is confirmed from the
// server with an offline mandate acceptance, which Stripe's mandate then carries; the client can
// verify its micro-deposits in the portal, or read them out to the technician. Bad input, unmapped clients, ACH outside USD, other
// installations and missing sessions are refused with stable codes and nothing changes; every step
// is audited with the technician as actor. Autopay can be turned on (with the client's autopay
// authorization confirmed the same way) and off from the same tab.
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../server/clock';
import { STAFF_AUTHORIZATION_VERSION } from '../../server/staff-payment-methods/authorization-texts';
import { makeClient, makeInstallation, makeStaffUser } from '../support/factories';
import { Agent } from '../support/http-agent';
import { addPayingClient, saveCard } from '../support/payment-fixtures';
import { startTestApp, type TestApp } from '../support/test-app';
import { connectInstallationToEmulator } from '../support/webhook-fixtures';

let app: TestApp;
const clock = new ManualClock(new Date());

beforeAll(async () => {
  app = await startTestApp({ stripeEmulator: true, clock });
});
afterAll(() => app?.close());

const authorization = (channel = 'phone', confirmed = true) => ({ channel, confirmed, version: STAFF_AUTHORIZATION_VERSION });
const audits = (inst: { scope: { from: (t: 'audit_log') => any } }, action: string) => inst.scope.from('audit_log').where({ action }).orderBy('at', 'asc').select('actor_type', 'actor_id', 'subject_id', 'client_id', 'details');
const methodRow = (inst: { scope: { from: (t: 'payment_methods') => any } }, id: string) =>
  inst.scope.from('payment_methods').where({ id }).first('added_by_kind', 'added_by_id', 'authorization_channel', 'authorization_text', 'authorization_version', 'authorized_at', 'mandate_acceptance', 'status', 'setup_intent_id', 'stripe_payment_method_id');

async function prepare(name: string) {
  const ctx = app.runtime.ctx;
  const inst = await connectInstallationToEmulator(ctx.db, ctx.secrets, app.emulator!);
  await ctx.db('installations').where({ id: inst.id }).update({ name: 'Northwind IT' });
  const paying = await addPayingClient(app, inst, { name });
  const tech = await makeStaffUser(inst.scope);
  await inst.scope.from('staff_users').where({ id: tech.id }).update({ name: 'Jane Tech' });
  const agent = new Agent(app.url);
  expect((await agent.login('app', tech.email, tech.password)).status).toBe(200);
  return { inst, paying, tech, agent };
}

describe('adding a payment method on the client’s behalf', () => {
  it('a card: technician-entered, with who, when and how the client authorized it; audited', async () => {
    const { inst, paying, tech, agent } = await prepare('Card Behalf Co');
    const base = `/api/app/clients/${paying.client.id}/payment-methods`;

    const options = await agent.get(`${base}/add-options`);
    expect(options.status, JSON.stringify(options.body)).toBe(200);
    expect(options.body).toMatchObject({ mspName: 'Northwind IT', clientName: 'Card Behalf Co', version: STAFF_AUTHORIZATION_VERSION, card: { offered: true }, usBankAccount: { offered: true, unavailableReason: null } });
    expect(options.body.stripe.publishableKey).toMatch(/^pk_test_/);
    expect(JSON.stringify(options.body)).not.toMatch(/sk_test_/);
    expect(options.body.card.authorizationText).toContain('Card Behalf Co authorizes Northwind IT to save this card');

    const started = await agent.post(`${base}/setup`, { type: 'card', authorization: authorization('phone') });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    expect(started.body.clientSecret).toMatch(/^seti_.+_secret_/);
    const id = started.body.paymentMethod.id as string;
    const row = await methodRow(inst, id);
    expect(row).toMatchObject({ added_by_kind: 'technician', added_by_id: tech.id, authorization_channel: 'phone', authorization_version: STAFF_AUTHORIZATION_VERSION, authorization_text: options.body.card.authorizationText, mandate_acceptance: null });
    expect(new Date(row.authorized_at).getTime()).toBe(clock.now().getTime());
    const si = await paying.stripe.setupIntents.retrieve(row.setup_intent_id);
    expect(si).toMatchObject({ customer: paying.customer.id, usage: 'off_session', metadata: { settle_payment_method_id: id, settle_entered_by: 'technician' } });

    // Not listed until Stripe.js confirmed it (as the portal hides unfinished setups).
    expect((await agent.get(base)).body.methods).toEqual([]);
    await paying.stripe.setupIntents.confirm(si.id, { payment_method: 'pm_card_visa' }); // what the Payment Element does
    const refreshed = await agent.post(`${base}/${id}/refresh`);
    expect(refreshed.status, JSON.stringify(refreshed.body)).toBe(200);
    expect(refreshed.body.paymentMethod).toMatchObject({ id, status: 'active', label: 'Visa •••• 4242', isDefault: true });

    const listed = await agent.get(base);
    expect(listed.body.methods).toEqual([
      expect.objectContaining({
        id,
        status: 'active',
        enteredBy: { kind: 'technician', name: 'Jane Tech', at: expect.any(String), authorization: { channel: 'phone', version: STAFF_AUTHORIZATION_VERSION, text: options.body.card.authorizationText, authorizedAt: clock.now().toISOString(), mandate: null } },
        hostedVerificationUrl: null,
      }),
    ]);
    // The client sees it in the portal like any other method.
    expect((await paying.agent.get('/api/portal/payment-methods')).body.methods.map((m: { id: string }) => m.id)).toEqual([id]);

    const started_ = await audits(inst, 'payment_method.setup_started');
    expect(started_).toEqual([expect.objectContaining({ actor_type: 'staff', actor_id: tech.id, subject_id: id, client_id: paying.client.id })]);
    expect(started_[0].details).toMatchObject({ enteredBy: 'technician', type: 'card', setupIntentId: si.id, authorization: { channel: 'phone', version: STAFF_AUTHORIZATION_VERSION } });
    expect(await audits(inst, 'payment_method.verified')).toEqual([expect.objectContaining({ actor_id: tech.id, subject_id: id })]);

    // A client-added method says so.
    const own = await saveCard(paying);
    const again = (await agent.get(base)).body.methods.find((m: { id: string }) => m.id === own.id);
    expect(again.enteredBy).toMatchObject({ kind: 'client', authorization: null });
  });

  it('a bank account: the offline mandate reaches Stripe, micro-deposits pending with the portal’s statuses', async () => {
    const { inst, paying, tech, agent } = await prepare('Bank Behalf Co');
    const base = `/api/app/clients/${paying.client.id}/payment-methods`;
    const started = await agent.post(`${base}/setup`, { type: 'us_bank_account', authorization: authorization('paper') });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const id = started.body.paymentMethod.id as string;
    const row = await methodRow(inst, id);
    expect(row.authorization_text).toContain('Bank Behalf Co authorizes Northwind IT to debit the bank account');
    const acceptance = typeof row.mandate_acceptance === 'string' ? JSON.parse(row.mandate_acceptance) : row.mandate_acceptance;
    expect(acceptance).toEqual({ type: 'offline', text: row.authorization_text, version: STAFF_AUTHORIZATION_VERSION, channel: 'paper', accepted_at: clock.now().toISOString(), by: tech.id });

    // Confirming before the page attached the account: refused, nothing sent to Stripe.
    const early = await agent.post(`${base}/${id}/confirm-bank-account`);
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('SETUP_NOT_READY');

    // collectBankAccountForSetup: a PaymentMethod from the entered details, attached to the SetupIntent.
    const pm = await paying.stripe.paymentMethods.create({ type: 'us_bank_account', us_bank_account: { routing_number: '110000000', account_number: '000123456789', account_holder_type: 'company', account_type: 'checking' }, billing_details: { name: 'Dana Reyes' } });
    await paying.stripe.setupIntents.update(row.setup_intent_id, { payment_method: pm.id });
    const confirmed = await agent.post(`${base}/${id}/confirm-bank-account`);
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    expect(confirmed.body.paymentMethod).toMatchObject({ id, status: 'pending_verification', label: 'STRIPE TEST BANK •••• 6789', verification: { attemptsLeft: expect.any(Number) } });
    expect(confirmed.body.paymentMethod.statusText).toMatch(/^Awaiting verification/);
    // Twice is harmless (the SetupIntent is already past confirmation).
    expect((await agent.post(`${base}/${id}/confirm-bank-account`)).status).toBe(200);
    expect(await audits(inst, 'payment_method.mandate_recorded')).toEqual([
      expect.objectContaining({ actor_id: tech.id, subject_id: id, details: expect.objectContaining({ mandate: { type: 'offline', channel: 'paper', version: STAFF_AUTHORIZATION_VERSION, acceptedAt: acceptance.accepted_at } }) }),
    ]);

    const listed = (await agent.get(base)).body.methods[0];
    expect(listed).toMatchObject({ id, status: 'pending_verification', enteredBy: { kind: 'technician', name: 'Jane Tech', authorization: { channel: 'paper', mandate: 'offline' } } });
    expect(listed.hostedVerificationUrl).toMatch(/^http/);
    // The client verifies in the portal (same statuses there).
    const portal = (await paying.agent.get('/api/portal/payment-methods')).body.methods[0];
    expect(portal).toMatchObject({ id, status: 'pending_verification', statusText: listed.statusText });
    const si = (await paying.stripe.setupIntents.retrieve(row.setup_intent_id)) as Stripe.SetupIntent;
    const byCode = si.next_action?.verify_with_microdeposits?.microdeposit_type === 'descriptor_code';
    const verified = await paying.agent.post(`/api/portal/payment-methods/${id}/verify`, byCode ? { descriptorCode: 'SM11AA' } : { amounts: [32, 45] });
    expect(verified.status, JSON.stringify(verified.body)).toBe(200);
    expect(verified.body.paymentMethod.status).toBe('active');

    // Stripe's mandate carries the offline acceptance, dated when the technician confirmed it.
    const done = await paying.stripe.setupIntents.retrieve(row.setup_intent_id);
    const mandate = await paying.stripe.mandates.retrieve(done.mandate as string);
    expect(mandate.customer_acceptance).toMatchObject({ type: 'offline', accepted_at: Math.floor(clock.now().getTime() / 1000) });
    expect((await methodRow(inst, id)).status).toBe('active');
  });

  it('micro-deposits the client reads out, entered by the technician: a typo costs nothing, a mismatch costs an attempt, the right ones verify; audited as the technician’s', async () => {
    const { inst, paying, tech, agent } = await prepare('Deposits Behalf Co');
    const base = `/api/app/clients/${paying.client.id}/payment-methods`;
    const id = (await agent.post(`${base}/setup`, { type: 'us_bank_account', authorization: authorization('phone') })).body.paymentMethod.id as string;
    const row = await methodRow(inst, id);
    const pm = await paying.stripe.paymentMethods.create({ type: 'us_bank_account', us_bank_account: { routing_number: '110000000', account_number: '000123456789', account_holder_type: 'company', account_type: 'checking' }, billing_details: { name: 'Dana Reyes' } });
    await paying.stripe.setupIntents.update(row.setup_intent_id, { payment_method: pm.id });
    const pending = (await agent.post(`${base}/${id}/confirm-bank-account`)).body.paymentMethod;
    expect(pending).toMatchObject({ status: 'pending_verification', verification: { attemptsLeft: expect.any(Number) } });
    const byCode = pending.verification.microdepositType === 'descriptor_code';
    const right = byCode ? { descriptorCode: 'sm11aa' } : { amounts: [32, 45] };
    const wrong = byCode ? { descriptorCode: 'SM99ZZ' } : { amounts: [45, 45] };
    const attemptsLeft = async () => (await inst.scope.from('payment_methods').where({ id }).first('verification_attempts_left')).verification_attempts_left as number | null;
    const before = await attemptsLeft();

    // Malformed input never reaches Stripe: no attempt used.
    for (const body of [{}, { amounts: [32] }, { amounts: [0, 45] }, { amounts: ['32', '45'] }, { descriptorCode: 'XX11AA' }, { amounts: [32, 45], extra: 1 }]) {
      const res = await agent.post(`${base}/${id}/verify`, body);
      expect(`${res.status} ${res.body.error?.code}`, JSON.stringify(body)).toBe('400 MICRODEPOSIT_INPUT_INVALID');
    }
    expect(await attemptsLeft()).toBe(before);
    // Another client's path, a card, an unknown id: nothing to verify there.
    const other = await addPayingClient(app, inst, { name: 'Other Deposits Co' });
    const card = await saveCard(paying);
    expect((await agent.post(`/api/app/clients/${other.client.id}/payment-methods/${id}/verify`, right)).body.error.code).toBe('PAYMENT_METHOD_NOT_FOUND');
    expect((await agent.post(`${base}/${card.id}/verify`, right)).body.error.code).toBe('VERIFICATION_NOT_PENDING');
    expect((await agent.post(`${base}/${crypto.randomUUID()}/verify`, right)).body.error.code).toBe('PAYMENT_METHOD_NOT_FOUND');
    expect((await paying.agent.post(`${base}/${id}/verify`, right)).status).toBe(401); // a portal session is not a technician's

    const mismatch = await agent.post(`${base}/${id}/verify`, wrong);
    expect(mismatch.status).toBe(422);
    expect(mismatch.body.error).toMatchObject({ code: 'MICRODEPOSIT_MISMATCH', message: expect.stringMatching(/do(es)? not match .* You have \d+ attempts? left\.$/) });
    const afterMismatch = await attemptsLeft();
    expect(afterMismatch).toBe((before ?? (byCode ? 10 : 3)) - 1);
    // The client sees the same attempts left in the portal.
    expect((await paying.agent.get('/api/portal/payment-methods')).body.methods.find((m: { id: string }) => m.id === id).verification.attemptsLeft).toBe(afterMismatch);

    const verified = await agent.post(`${base}/${id}/verify`, right);
    expect(verified.status, JSON.stringify(verified.body)).toBe(200);
    expect(verified.body.paymentMethod).toMatchObject({ id, status: 'active', verification: null });
    expect((await paying.stripe.setupIntents.retrieve(row.setup_intent_id)).status).toBe('succeeded');
    expect((await agent.post(`${base}/${id}/verify`, right)).body.error.code).toBe('VERIFICATION_NOT_PENDING');

    const entries = [...(await audits(inst, 'payment_method.verification_failed')), ...(await audits(inst, 'payment_method.verified'))];
    expect(entries).toEqual([
      expect.objectContaining({ actor_type: 'staff', actor_id: tech.id, subject_id: id, client_id: paying.client.id, details: expect.objectContaining({ outcome: 'mismatch', enteredBy: 'technician' }) }),
      expect.objectContaining({ actor_type: 'staff', actor_id: tech.id, subject_id: id, client_id: paying.client.id, details: expect.objectContaining({ via: 'microdeposits', status: 'active', enteredBy: 'technician' }) }),
    ]);
  });

  it('refuses bad input, unmapped clients, ACH outside USD, other installations and missing sessions; nothing changes', async () => {
    const { inst, paying, agent } = await prepare('Refusals Co');
    const base = `/api/app/clients/${paying.client.id}/payment-methods`;
    const count = async () => Number(((await app.db.database.knex('payment_methods').count({ n: '*' }).first()) as { n: unknown }).n);
    const setups = async () => (await paying.stripe.setupIntents.list({ customer: paying.customer.id })).data.length;
    const before = { rows: await count(), setups: await setups() };
    const code = async (body: unknown, path = `${base}/setup`, a = agent) => {
      const res = await a.post(path, body);
      return `${res.status} ${res.body?.error?.code}`;
    };

    expect(await code({ type: 'card' })).toBe('400 VALIDATION_FAILED');
    expect(await code({ type: 'sepa_debit', authorization: authorization() })).toBe('400 VALIDATION_FAILED');
    expect(await code({ type: 'card', authorization: authorization('fax') })).toBe('400 VALIDATION_FAILED');
    expect(await code({ type: 'card', authorization: { ...authorization(), version: 'v0' } })).toBe('400 VALIDATION_FAILED');
    expect(await code({ type: 'card', authorization: authorization(), extra: 1 })).toBe('400 VALIDATION_FAILED');
    expect(await code({ type: 'us_bank_account', authorization: authorization('phone', false) })).toBe('400 AUTHORIZATION_NOT_CONFIRMED');
    expect(await code({ type: 'card', authorization: authorization('phone', false) })).toBe('400 AUTHORIZATION_NOT_CONFIRMED');

    const unmapped = await makeClient(inst.scope);
    expect(await code({ type: 'card', authorization: authorization() }, `/api/app/clients/${unmapped.id}/payment-methods/setup`)).toBe('409 CLIENT_NOT_MAPPED');
    expect((await agent.get(`/api/app/clients/${unmapped.id}/payment-methods/add-options`)).body.error.code).toBe('CLIENT_NOT_MAPPED');
    const foreign = await makeClient((await makeInstallation(app.db.database.knex)).scope);
    expect(await code({ type: 'card', authorization: authorization() }, `/api/app/clients/${foreign.id}/payment-methods/setup`)).toBe('404 CLIENT_NOT_FOUND');
    expect(await code({ type: 'card', authorization: authorization() }, '/api/app/clients/not-a-uuid/payment-methods/setup')).toBe('404 CLIENT_NOT_FOUND');
    expect((await agent.get(`/api/app/clients/${foreign.id}/payment-methods`)).status).toBe(404);

    // Card methods and other clients' methods have nothing to confirm here.
    const card = await saveCard(paying);
    expect(await code({}, `${base}/${card.id}/confirm-bank-account`)).toBe('404 PAYMENT_METHOD_NOT_FOUND');
    expect(await code({}, `${base}/${crypto.randomUUID()}/refresh`)).toBe('404 PAYMENT_METHOD_NOT_FOUND');

    // Sessions and CSRF: none, a portal user's, or no token.
    const anonymous = new Agent(app.url);
    expect(await code({ type: 'card', authorization: authorization() }, `${base}/setup`, anonymous)).toBe('401 AUTH_REQUIRED');
    expect((await anonymous.get(base)).status).toBe(401);
    expect(await code({ type: 'card', authorization: authorization() }, `${base}/setup`, paying.agent)).toBe('401 AUTH_REQUIRED');
    const noCsrf = await agent.post(`${base}/setup`, { type: 'card', authorization: authorization() }, { csrf: false });
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.body.error.code).toBe('AUTH_CSRF_FAILED');

    // ACH outside USD: unavailable with a reason (cards still work there).
    const ctx = app.runtime.ctx;
    const euro = await connectInstallationToEmulator(ctx.db, ctx.secrets, app.emulator!);
    await ctx.db('installations').where({ id: euro.id }).update({ currency: 'EUR' });
    const euroClient = await addPayingClient(app, euro, { name: 'Euro Co' });
    const admin = await makeStaffUser(euro.scope, { role: 'admin' });
    const euroAgent = new Agent(app.url);
    await euroAgent.login('app', admin.email, admin.password);
    const euroBase = `/api/app/clients/${euroClient.client.id}/payment-methods`;
    const ach = await euroAgent.post(`${euroBase}/setup`, { type: 'us_bank_account', authorization: authorization() });
    expect(ach.status).toBe(400);
    expect(ach.body.error).toMatchObject({ code: 'PAYMENT_METHOD_TYPE_UNAVAILABLE', message: expect.stringContaining('US dollars') });
    expect((await euroAgent.get(`${euroBase}/add-options`)).body.usBankAccount).toMatchObject({ offered: false, unavailableReason: expect.stringContaining('US dollars') });
    expect((await euroAgent.post(`${euroBase}/setup`, { type: 'card', authorization: authorization('in_person') })).status).toBe(201); // admins may too

    expect({ rows: await count(), setups: await setups() }).toEqual({ rows: before.rows + 2, setups: before.setups }); // the saved card and the euro card only
    expect(await audits(inst, 'payment_method.setup_started')).toEqual([]);
  });

  it('autopay on (with the client’s authorization confirmed) and off from the technician UI; audited', async () => {
    const { inst, paying, tech, agent } = await prepare('Autopay Behalf Co');
    const path = `/api/app/clients/${paying.client.id}/autopay`;
    const card = await saveCard(paying);
    const pending = await agent.post(`/api/app/clients/${paying.client.id}/payment-methods/setup`, { type: 'us_bank_account', authorization: authorization() });
    const put = (body: unknown) => agent.request('PUT', path, { json: body });
    const code = async (body: unknown) => {
      const res = await put(body);
      return `${res.status} ${res.body?.error?.code}`;
    };

    expect(await code({ enabled: true, paymentMethodId: card.id, authorization: authorization('phone', false) })).toBe('400 AUTHORIZATION_NOT_CONFIRMED');
    expect(await code({ enabled: true, paymentMethodId: card.id })).toBe('400 VALIDATION_FAILED');
    expect(await code({ enabled: true, paymentMethodId: pending.body.paymentMethod.id, authorization: authorization() })).toBe('409 PAYMENT_METHOD_NOT_USABLE');
    expect(await code({ enabled: true, paymentMethodId: crypto.randomUUID(), authorization: authorization() })).toBe('404 PAYMENT_METHOD_NOT_FOUND');
    expect((await inst.scope.from('clients').where({ id: paying.client.id }).first('autopay_enabled')).autopay_enabled).toBe(false);
    await inst.scope.from('clients').where({ id: paying.client.id }).update({ autopay_paused_reason: 'The card was declined.' });

    const on = await put({ enabled: true, paymentMethodId: card.id, authorization: authorization('email') });
    expect(on.status, JSON.stringify(on.body)).toBe(200);
    expect(on.body.autopay).toEqual({ enabled: true, paymentMethodId: card.id, pausedReason: null, consent: { by: 'technician', channel: 'email', acceptedAt: clock.now().toISOString() } });
    const row = await inst.scope.from('clients').where({ id: paying.client.id }).first('autopay_consent');
    const consent = typeof row.autopay_consent === 'string' ? JSON.parse(row.autopay_consent) : row.autopay_consent;
    expect(consent).toMatchObject({ staff_user_id: tech.id, channel: 'email', version: STAFF_AUTHORIZATION_VERSION, text: expect.stringContaining('Autopay Behalf Co authorizes Northwind IT to charge') });
    const listed = (await agent.get(`/api/app/clients/${paying.client.id}/payment-methods`)).body;
    expect(listed.autopay.enabled).toBe(true);
    expect(listed.methods.find((m: { id: string }) => m.id === card.id).isAutopay).toBe(true);
    expect((await paying.agent.get('/api/portal/autopay')).body.autopay).toMatchObject({ enabled: true, paymentMethodId: card.id }); // the client sees it
    expect(await audits(inst, 'autopay.enabled')).toEqual([
      expect.objectContaining({ actor_type: 'staff', actor_id: tech.id, subject_id: paying.client.id, details: expect.objectContaining({ enteredBy: 'technician', liftedPause: 'The card was declined.', authorization: expect.objectContaining({ channel: 'email' }) }) }),
    ]);

    const off = await put({ enabled: false });
    expect(off.body.autopay).toEqual({ enabled: false, paymentMethodId: null, pausedReason: null, consent: null });
    expect((await put({ enabled: false })).status).toBe(200); // idempotent
    expect(await audits(inst, 'autopay.disabled')).toEqual([expect.objectContaining({ actor_id: tech.id, details: expect.objectContaining({ reason: 'technician_turned_off', paymentMethodId: card.id }) })]);

    const unmapped = await makeClient(inst.scope);
    const res = await agent.request('PUT', `/api/app/clients/${unmapped.id}/autopay`, { json: { enabled: false } });
    expect(res.body.error.code).toBe('CLIENT_NOT_MAPPED');
    expect((await new Agent(app.url).request('PUT', path, { json: { enabled: false } })).status).toBe(401);
  });
});
