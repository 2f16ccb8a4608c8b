// Autopay from the portal, against the Stripe emulator (descriptor-code micro-deposits, its default)
// and a real database: consent naming the MSP is required and recorded, only verified methods carry
// autopay, the schedule flags invoices above the MSP's limit, and the autopay method cannot be
// removed while something is scheduled.
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../server/clock';
import type { InstallationScope } from '../../server/db/tenant-scope';
import type { AppContext } from '../../server/http/context';
import { DEFAULT_SETTINGS } from '../../server/installations/installation-settings';
import { makeClient, makeInvoice, makePortalUser } from '../support/factories';
import { Agent } from '../support/http-agent';
import { startTestApp, type TestApp } from '../support/test-app';
import { connectInstallationToEmulator } from '../support/webhook-fixtures';

let app: TestApp;
let ctx: AppContext;
let scope: InstallationScope;
let stripe: Stripe;
const clock = new ManualClock(new Date());
const MSP = 'Northwind Managed Services';
const mandate_data = { customer_acceptance: { type: 'online' as const, online: { ip_address: '203.0.113.9', user_agent: 'vitest-browser' } } };
const UA = { 'user-agent': 'Mozilla/5.0 (autopay test)' };
const pm = '/api/portal/payment-methods';

beforeAll(async () => {
  app = await startTestApp({ clock, stripeEmulator: { bankSettlementDelayMs: 50 } });
  ctx = app.runtime.ctx;
  const inst = await connectInstallationToEmulator(ctx.db, ctx.secrets, app.emulator!);
  ({ scope, stripe } = inst);
  await ctx.db('installations')
    .where({ id: inst.id })
    .update({ name: MSP, settings: JSON.stringify({ ...DEFAULT_SETTINGS, autopay: { ...DEFAULT_SETTINGS.autopay, maxAmount: 100_000 } }) });
});
afterAll(() => app?.close());

async function mappedClient() {
  const client = await makeClient(scope);
  const customer = await stripe.customers.create({ name: client.name });
  await scope.from('clients').where({ id: client.id }).update({ stripe_customer_id: customer.id, mapping_status: 'mapped' });
  const user = await makePortalUser(scope, client.id);
  const agent = new Agent(app.url);
  expect((await agent.login('portal', user.email, user.password)).status).toBe(200);
  return { client, user, agent };
}

const setupIntentIdOf = async (id: string) => ((await ctx.db('payment_methods').where({ id }).first('setup_intent_id')) as { setup_intent_id: string }).setup_intent_id;

async function addCard(agent: Agent) {
  const setup = await agent.post(`${pm}/setup`, { type: 'card' });
  await stripe.setupIntents.confirm(await setupIntentIdOf(setup.body.paymentMethod.id), { payment_method: 'pm_card_visa' });
  return (await agent.post(`${pm}/${setup.body.paymentMethod.id}/refresh`)).body.paymentMethod;
}

async function addPendingBank(agent: Agent) {
  const setup = await agent.post(`${pm}/setup`, { type: 'us_bank_account', acceptMandate: true });
  expect(setup.status).toBe(201);
  await stripe.setupIntents.confirm(await setupIntentIdOf(setup.body.paymentMethod.id), {
    payment_method_data: { type: 'us_bank_account', us_bank_account: { routing_number: '110000000', account_number: '000123456789' }, billing_details: { name: 'Pat Contact' } },
    mandate_data,
  });
  return (await agent.post(`${pm}/${setup.body.paymentMethod.id}/refresh`)).body.paymentMethod;
}

const getAutopay = async (agent: Agent) => (await agent.get('/api/portal/autopay')).body.autopay;
const putAutopay = (agent: Agent, json: unknown) => agent.request('PUT', '/api/portal/autopay', { json, headers: UA });

describe('bank account verified with a descriptor code', () => {
  it('counts down from 10 attempts on a wrong code, and verifies with SM11AA', async () => {
    const { agent } = await mappedClient();
    const bank = await addPendingBank(agent);
    expect(bank.verification).toMatchObject({ microdepositType: 'descriptor_code', attemptsLeft: 10 });
    const amounts = await agent.post(`${pm}/${bank.id}/verify`, { amounts: [32, 45] });
    expect(amounts.status).toBe(400);
    expect(amounts.body.error.code).toBe('MICRODEPOSIT_INPUT_INVALID');
    const wrong = await agent.post(`${pm}/${bank.id}/verify`, { descriptorCode: 'SM99ZZ' });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error).toMatchObject({ code: 'MICRODEPOSIT_MISMATCH' });
    expect(wrong.body.error.message).toContain('9 attempts left');
    const ok = await agent.post(`${pm}/${bank.id}/verify`, { descriptorCode: 'sm11aa' });
    expect(ok.status).toBe(200);
    expect(ok.body.paymentMethod).toMatchObject({ status: 'active', label: 'STRIPE TEST BANK •••• 6789' });
  });
});

describe('autopay', () => {
  it('shows the schedule with reasons, requires consent and a verified method, and records the consent', async () => {
    const { agent, client, user } = await mappedClient();
    const small = await makeInvoice(scope, client.id, { number: 'AP-1', total: 25_000, dueDate: '2026-12-01' });
    const large = await makeInvoice(scope, client.id, { number: 'AP-2', total: 250_000, dueDate: '2026-12-15' });
    await makeInvoice(scope, client.id, { number: 'AP-3', total: 5_000, status: 'paid' });
    await scope.from('invoices').where({ number: 'AP-3' }).update({ amount_paid: 5_000, amount_remaining: 0 });

    const off = await getAutopay(agent);
    expect(off).toMatchObject({ enabled: false, paymentMethodId: null, consentAcceptedAt: null, maxAmount: 100_000, pausedReason: null });
    expect(off.consentText).toContain(MSP);
    expect(off.consentText).toContain('$1,000.00');
    expect(off.scheduled).toEqual([
      { invoiceId: small.id, number: 'AP-1', dueDate: '2026-12-01', amountRemaining: 25_000, currency: 'USD', willCharge: false, reason: 'Autopay is off.' },
      { invoiceId: large.id, number: 'AP-2', dueDate: '2026-12-15', amountRemaining: 250_000, currency: 'USD', willCharge: false, reason: 'Autopay is off.' },
    ]);

    const pending = await addPendingBank(agent);
    const card = await addCard(agent);

    const noConsent = await putAutopay(agent, { enabled: true, paymentMethodId: card.id });
    expect(noConsent.status).toBe(400);
    expect(noConsent.body.error.code).toBe('AUTOPAY_CONSENT_REQUIRED');
    expect((await putAutopay(agent, { enabled: true, paymentMethodId: card.id, acceptConsent: false })).body.error.code).toBe('AUTOPAY_CONSENT_REQUIRED');
    const unverified = await putAutopay(agent, { enabled: true, paymentMethodId: pending.id, acceptConsent: true });
    expect(unverified.status).toBe(409);
    expect(unverified.body.error.code).toBe('PAYMENT_METHOD_NOT_USABLE');
    expect((await ctx.db('clients').where({ id: client.id }).first()).autopay_enabled).toBe(false);

    const on = await putAutopay(agent, { enabled: true, paymentMethodId: card.id, acceptConsent: true });
    expect(on.status).toBe(200);
    expect(on.body.autopay).toMatchObject({ enabled: true, paymentMethodId: card.id, consentText: off.consentText });
    expect(on.body.autopay.consentAcceptedAt).toBe(clock.now().toISOString());
    expect(on.body.autopay.scheduled).toEqual([
      expect.objectContaining({ number: 'AP-1', willCharge: true, reason: null }),
      expect.objectContaining({ number: 'AP-2', willCharge: false, reason: expect.stringContaining('Above the $1,000.00 limit') }),
    ]);

    const stored = await ctx.db('clients').where({ id: client.id }).first();
    expect(stored).toMatchObject({ autopay_enabled: true, autopay_payment_method_id: card.id, autopay_paused_reason: null });
    expect(stored.autopay_consent).toMatchObject({ text: off.consentText, portal_user_id: user.id, user_agent: UA['user-agent'], accepted_at: clock.now().toISOString() });
    expect(stored.autopay_consent.ip).toBeTruthy();

    const methods = (await agent.get(pm)).body.methods as Array<{ id: string; isAutopay: boolean }>;
    expect(methods.find((m) => m.id === card.id)!.isAutopay).toBe(true);
    expect(methods.find((m) => m.id === pending.id)!.isAutopay).toBe(false);

    const audit = await ctx.db('audit_log').where({ client_id: client.id, action: 'autopay.enabled' }).first();
    expect(audit).toMatchObject({ actor_type: 'portal', actor_id: user.id, subject_id: client.id });
  });

  it('refuses to remove the autopay method while invoices are scheduled, and allows it after autopay is off', async () => {
    const { agent, client } = await mappedClient();
    await makeInvoice(scope, client.id, { number: 'RM-1', total: 10_000 });
    const card = await addCard(agent);
    expect((await putAutopay(agent, { enabled: true, paymentMethodId: card.id, acceptConsent: true })).status).toBe(200);

    const refused = await agent.request('DELETE', `${pm}/${card.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('AUTOPAY_METHOD_IN_USE');
    const stripePm = (await ctx.db('payment_methods').where({ id: card.id }).first()).stripe_payment_method_id as string;
    expect((await stripe.paymentMethods.retrieve(stripePm)).customer).not.toBeNull();
    expect((await ctx.db('payment_methods').where({ id: card.id }).first()).status).toBe('active');

    const off = await putAutopay(agent, { enabled: false });
    expect(off.status).toBe(200);
    expect(off.body.autopay).toMatchObject({ enabled: false, paymentMethodId: null, consentAcceptedAt: null });
    expect(off.body.autopay.scheduled[0]).toMatchObject({ number: 'RM-1', willCharge: false, reason: 'Autopay is off.' });
    expect((await agent.request('DELETE', `${pm}/${card.id}`)).status).toBe(204);
    expect((await stripe.paymentMethods.retrieve(stripePm)).customer).toBeNull();
    const actions = (await ctx.db('audit_log').where({ client_id: client.id }).orderBy('id').pluck('action')) as string[];
    expect(actions.filter((a) => a.startsWith('autopay.'))).toEqual(['autopay.enabled', 'autopay.disabled']);
  });

  it('lets the autopay method go when nothing is scheduled, turning autopay off with it', async () => {
    const { agent, client } = await mappedClient();
    const card = await addCard(agent);
    expect((await putAutopay(agent, { enabled: true, paymentMethodId: card.id, acceptConsent: true })).status).toBe(200);
    expect((await agent.request('DELETE', `${pm}/${card.id}`)).status).toBe(204);
    expect(await ctx.db('clients').where({ id: client.id }).first()).toMatchObject({ autopay_enabled: false, autopay_payment_method_id: null });
    expect((await getAutopay(agent)).enabled).toBe(false);
  });

  it('shows a pause and lifts it when the client turns autopay on again; says when no verified method is left', async () => {
    const { agent, client } = await mappedClient();
    await makeInvoice(scope, client.id, { number: 'PA-1', total: 10_000 });
    const card = await addCard(agent);
    await putAutopay(agent, { enabled: true, paymentMethodId: card.id, acceptConsent: true });
    await scope.from('clients').where({ id: client.id }).update({ autopay_paused_reason: 'The last charge was declined.' });
    const paused = await getAutopay(agent);
    expect(paused).toMatchObject({ enabled: true, pausedReason: 'The last charge was declined.' });
    expect(paused.scheduled[0]).toMatchObject({ willCharge: false, reason: 'Autopay is paused: The last charge was declined.' });

    // Turning autopay off leaves the pause reason alone; turning it on lifts it.
    await putAutopay(agent, { enabled: false });
    expect((await getAutopay(agent)).pausedReason).toBe('The last charge was declined.');
    const resumed = await putAutopay(agent, { enabled: true, paymentMethodId: card.id, acceptConsent: true });
    expect(resumed.body.autopay).toMatchObject({ enabled: true, pausedReason: null });
    expect(resumed.body.autopay.scheduled[0]).toMatchObject({ willCharge: true });

    // The method stops being usable (say Stripe failed it meanwhile): the schedule says why.
    await scope.from('payment_methods').where({ id: card.id }).update({ status: 'expired' });
    expect((await getAutopay(agent)).scheduled[0]).toMatchObject({ willCharge: false, reason: 'No verified payment method is set for autopay.' });
  });

  it("validates the body, and treats another client's method as not found", async () => {
    const other = await mappedClient();
    const foreign = await addCard(other.agent);
    const { agent } = await mappedClient();
    expect((await putAutopay(agent, { enabled: true, paymentMethodId: foreign.id, acceptConsent: true })).body.error.code).toBe('PAYMENT_METHOD_NOT_FOUND');
    expect((await putAutopay(agent, { enabled: 'yes' })).body.error.code).toBe('VALIDATION_FAILED');
    expect((await putAutopay(agent, { enabled: false, paymentMethodId: foreign.id })).body.error.code).toBe('VALIDATION_FAILED');
    expect((await agent.request('PUT', '/api/portal/autopay', { json: { enabled: false }, csrf: false })).status).toBe(403);
  });

  it('offers nothing to an ignored client', async () => {
    const { agent, client } = await mappedClient();
    const card = await addCard(agent);
    await scope.from('clients').where({ id: client.id }).update({ mapping_status: 'ignored', stripe_customer_id: null });
    const res = await putAutopay(agent, { enabled: true, paymentMethodId: card.id, acceptConsent: true });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('ONLINE_PAYMENTS_UNAVAILABLE');
  });
});
