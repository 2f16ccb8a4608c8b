// Saving cards and bank accounts from the portal, against the Stripe emulator through the real SDK
// and a real database: SetupIntents confirmed the way Stripe.js would (server-side here), micro-deposit
// verification with its attempts and expiry, the errors a client can run into, tenant isolation,
// crash safety of the setup, and the verification reminder.
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../server/clock';
import { ClientScope, type InstallationScope } from '../../server/db/tenant-scope';
import type { AppContext } from '../../server/http/context';
import { sendVerificationReminders } from '../../server/portal-payment-methods/send-verification-reminders';
import { setupIdempotencyKey, startSetup } from '../../server/portal-payment-methods/start-setup';
import { verificationReminderJob } from '../../server/portal-payment-methods/verification-reminder-job';
import { makeClient, makePortalUser } from '../support/factories';
import { Agent } from '../support/http-agent';
import { startTestApp, type TestApp } from '../support/test-app';
import { connectInstallationToEmulator } from '../support/webhook-fixtures';

let app: TestApp;
let ctx: AppContext;
const clock = new ManualClock(new Date());
const mandate_data = { customer_acceptance: { type: 'online' as const, online: { ip_address: '203.0.113.9', user_agent: 'vitest-browser' } } };
const UA = { 'user-agent': 'Mozilla/5.0 (portal test)' };

interface Tenant {
  id: string;
  scope: InstallationScope;
  stripe: Stripe;
  name: string;
}
let msp: Tenant;

beforeAll(async () => {
  app = await startTestApp({ clock, stripeEmulator: { microdepositType: 'amounts', bankSettlementDelayMs: 50 } });
  ctx = app.runtime.ctx;
  const inst = await connectInstallationToEmulator(ctx.db, ctx.secrets, app.emulator!);
  await ctx.db('installations').where({ id: inst.id }).update({ name: 'Contoso IT Services' });
  msp = { id: inst.id, scope: inst.scope, stripe: inst.stripe, name: 'Contoso IT Services' };
});
afterAll(() => app?.close());

const knex = () => ctx.db;

/** A client mapped to a fresh Stripe customer, with a signed-in portal user. */
async function mappedClient(tenant: Tenant = msp) {
  const client = await makeClient(tenant.scope);
  const customer = await tenant.stripe.customers.create({ name: client.name });
  await tenant.scope.from('clients').where({ id: client.id }).update({ stripe_customer_id: customer.id, mapping_status: 'mapped' });
  const user = await makePortalUser(tenant.scope, client.id);
  const agent = new Agent(app.url);
  expect((await agent.login('portal', user.email, user.password)).status).toBe(200);
  return { client, customer, user, agent };
}

const base = '/api/portal/payment-methods';
const row = (id: string) => knex()('payment_methods').where({ id }).first();
const setupIntentIdOf = async (id: string) => ((await row(id)) as { setup_intent_id: string }).setup_intent_id;

async function addCard(agent: Agent, stripe: Stripe = msp.stripe, token = 'pm_card_visa') {
  const setup = await agent.post(`${base}/setup`, { type: 'card' });
  expect(setup.status).toBe(201);
  await stripe.setupIntents.confirm(await setupIntentIdOf(setup.body.paymentMethod.id), { payment_method: token });
  const refreshed = await agent.post(`${base}/${setup.body.paymentMethod.id}/refresh`);
  expect(refreshed.status).toBe(200);
  return refreshed.body.paymentMethod;
}

async function addBank(agent: Agent, stripe: Stripe = msp.stripe, account = '000123456789') {
  const setup = await agent.post(`${base}/setup`, { type: 'us_bank_account', acceptMandate: true }, { headers: UA });
  expect(setup.status).toBe(201);
  await stripe.setupIntents.confirm(await setupIntentIdOf(setup.body.paymentMethod.id), {
    payment_method_data: { type: 'us_bank_account', us_bank_account: { routing_number: '110000000', account_number: account, account_holder_type: 'company' }, billing_details: { name: 'Pat Contact' } },
    mandate_data,
  });
  const refreshed = await agent.post(`${base}/${setup.body.paymentMethod.id}/refresh`);
  expect(refreshed.status).toBe(200);
  return refreshed.body.paymentMethod;
}

const actions = async (subjectId: string) =>
  ((await knex()('audit_log').where({ subject_id: subjectId }).orderBy('id').select('action')) as Array<{ action: string }>).map((a) => a.action);

describe('adding a card', () => {
  it('creates an off-session SetupIntent for the customer, then becomes active (and the default) after refresh', async () => {
    const { agent, customer, client, user } = await mappedClient();
    const setup = await agent.post(`${base}/setup`, { type: 'card' });
    expect(setup.status).toBe(201);
    expect(setup.body.clientSecret).toMatch(/^seti_.+_secret_/);
    expect(setup.body.paymentMethod).toMatchObject({ type: 'card', status: 'pending_verification', isDefault: false, isAutopay: false, verification: null });
    const id = setup.body.paymentMethod.id as string;

    const stored = await row(id);
    expect(stored).toMatchObject({ client_id: client.id, added_by_kind: 'client', added_by_id: user.id, status: 'pending_verification', mandate_acceptance: null });
    const si = await msp.stripe.setupIntents.retrieve(stored.setup_intent_id);
    expect(si).toMatchObject({ customer: customer.id, usage: 'off_session', allowed_payment_method_types: ['card'] });
    expect(si.metadata).toEqual({ settle_installation_id: msp.id, settle_client_id: client.id, settle_payment_method_id: id });

    // Not confirmed yet: invisible in the list (a closed dialog leaves nothing behind).
    expect((await agent.get(base)).body.methods).toEqual([]);

    await msp.stripe.setupIntents.confirm(si.id, { payment_method: 'pm_card_visa' });
    const refreshed = await agent.post(`${base}/${id}/refresh`);
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.paymentMethod).toMatchObject({ id, status: 'active', label: 'Visa •••• 4242', brand: 'visa', last4: '4242', isDefault: true, statusText: 'Ready to use' });
    expect((await row(id)).verified_at).toBeInstanceOf(Date);

    const list = await agent.get(base);
    expect(list.status).toBe(200);
    expect(list.body.methods.map((m: { id: string }) => m.id)).toEqual([id]);
    expect(list.body.achMandateText).toContain('Contoso IT Services');
    expect(await actions(id)).toEqual(['payment_method.setup_started', 'payment_method.verified']);
  });

  it('makes another active method the default, and refuses a method that is not verified', async () => {
    const { agent } = await mappedClient();
    const first = await addCard(agent);
    const second = await addCard(agent, msp.stripe, 'pm_card_mastercard');
    expect(second).toMatchObject({ isDefault: false, label: 'Mastercard •••• 4444' });
    const res = await agent.post(`${base}/${second.id}/default`);
    expect(res.status).toBe(200);
    expect(res.body.paymentMethod.isDefault).toBe(true);
    const list = (await agent.get(base)).body.methods as Array<{ id: string; isDefault: boolean }>;
    expect(list.map((m) => [m.id, m.isDefault])).toEqual([
      [second.id, true],
      [first.id, false],
    ]);
    const pending = await addBank(agent);
    expect((await agent.post(`${base}/${pending.id}/default`)).body.error.code).toBe('PAYMENT_METHOD_NOT_USABLE');
  });

  it('removes a card: detached in Stripe, gone from the list', async () => {
    const { agent } = await mappedClient();
    const card = await addCard(agent);
    const pmId = (await row(card.id)).stripe_payment_method_id as string;
    expect((await msp.stripe.paymentMethods.retrieve(pmId)).customer).not.toBeNull();
    const res = await agent.request('DELETE', `${base}/${card.id}`);
    expect(res.status).toBe(204);
    expect((await msp.stripe.paymentMethods.retrieve(pmId)).customer).toBeNull();
    expect(await row(card.id)).toMatchObject({ status: 'detached', is_default: false });
    expect((await agent.get(base)).body.methods).toEqual([]);
    expect((await agent.request('DELETE', `${base}/${card.id}`)).status).toBe(404);
    expect(await actions(card.id)).toContain('payment_method.removed');
  });
});

describe('adding a bank account (micro-deposits, amounts)', () => {
  it('records the mandate acceptance and waits for verification with the arrival date and attempts left', async () => {
    const { agent, user } = await mappedClient();
    const method = await addBank(agent);
    expect(method).toMatchObject({ type: 'us_bank_account', status: 'pending_verification', label: 'STRIPE TEST BANK •••• 6789', bankName: 'STRIPE TEST BANK', accountHolderType: 'company' });
    expect(method.verification).toMatchObject({ microdepositType: 'amounts', attemptsLeft: 3, lastError: null });
    expect(method.verification.arrivalDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(new Date(method.verification.expiresAt).getTime()).toBeGreaterThan(clock.now().getTime() + 9 * 86_400_000);
    expect(method.statusText).toMatch(/^Awaiting verification — deposits arrive by [A-Z][a-z]{2} \d{1,2}$/);

    const stored = await row(method.id);
    expect(stored.mandate_acceptance).toMatchObject({ type: 'online', by: user.id, user_agent: UA['user-agent'] });
    expect(stored.mandate_acceptance.text).toContain('Contoso IT Services');
    expect(stored.mandate_acceptance.ip).toBeTruthy();
    expect(new Date(stored.mandate_acceptance.accepted_at).getTime()).toBe(clock.now().getTime());
    const si = await msp.stripe.setupIntents.retrieve(stored.setup_intent_id);
    expect(si.allowed_payment_method_types).toEqual(['us_bank_account']);
    expect(si.payment_method_options?.us_bank_account?.verification_method).toBe('automatic');
  });

  it('says how many attempts are left after wrong amounts, then verifies with 32 and 45', async () => {
    const { agent } = await mappedClient();
    const method = await addBank(agent);
    const wrong = await agent.post(`${base}/${method.id}/verify`, { amounts: [12, 34] });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.code).toBe('MICRODEPOSIT_MISMATCH');
    expect(wrong.body.error.message).toContain('2 attempts left');
    const listed = (await agent.get(base)).body.methods.find((m: { id: string }) => m.id === method.id);
    expect(listed.verification).toMatchObject({ attemptsLeft: 2, lastError: wrong.body.error.message });

    const ok = await agent.post(`${base}/${method.id}/verify`, { amounts: [32, 45] });
    expect(ok.status).toBe(200);
    expect(ok.body.paymentMethod).toMatchObject({ status: 'active', verification: null, isDefault: true, statusText: 'Verified — ready to use' });
    const stored = await row(method.id);
    expect(stored.verified_at).toBeInstanceOf(Date);
    expect(stored.last_verification_error).toBeNull();
    expect(stored.mandate_id).toMatch(/^mandate_/);
    expect((await agent.post(`${base}/${method.id}/verify`, { amounts: [32, 45] })).body.error.code).toBe('VERIFICATION_NOT_PENDING');
    expect(await actions(method.id)).toEqual(['payment_method.setup_started', 'payment_method.verification_failed', 'payment_method.verified']);
  });

  it('refuses badly shaped input with 400 MICRODEPOSIT_INPUT_INVALID and changes nothing', async () => {
    const { agent } = await mappedClient();
    const method = await addBank(agent);
    const before = await row(method.id);
    const bad: unknown[] = [
      {},
      { amounts: [32] },
      { amounts: [32, 45, 1] },
      { amounts: [0, 45] },
      { amounts: [32, 100] },
      { amounts: [32.5, 45] },
      { amounts: ['32', '45'] },
      { descriptorCode: 'XX11AA' },
      { descriptorCode: 'SM11A' },
      { amounts: [32, 45], descriptorCode: 'SM11AA' },
      { descriptorCode: 'SM11AA' }, // well formed, but these deposits are amounts
    ];
    for (const body of bad) {
      const res = await agent.post(`${base}/${method.id}/verify`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('MICRODEPOSIT_INPUT_INVALID');
    }
    const after = await row(method.id);
    expect(after).toMatchObject({ status: before.status, verification_attempts_left: 3, last_verification_error: null });
    expect(after.updated_at.getTime()).toBe(before.updated_at.getTime());
  });

  it('stops after three wrong attempts: VERIFICATION_ATTEMPTS_EXCEEDED and verification_failed', async () => {
    const { agent } = await mappedClient();
    const method = await addBank(agent);
    expect((await agent.post(`${base}/${method.id}/verify`, { amounts: [10, 12] })).body.error.message).toContain('2 attempts left');
    expect((await agent.post(`${base}/${method.id}/verify`, { amounts: [10, 12] })).body.error.message).toContain('1 attempt left');
    const third = await agent.post(`${base}/${method.id}/verify`, { amounts: [10, 12] });
    expect(third.status).toBe(409);
    expect(third.body.error.code).toBe('VERIFICATION_ATTEMPTS_EXCEEDED');
    expect(await row(method.id)).toMatchObject({ status: 'verification_failed', verification_attempts_left: 0, last_verification_error: 'Too many incorrect attempts.' });
    const listed = (await agent.get(base)).body.methods.find((m: { id: string }) => m.id === method.id);
    expect(listed).toMatchObject({ status: 'verification_failed' });
    expect(listed.statusText).toMatch(/add the bank account again/i);
    expect((await agent.post(`${base}/${method.id}/verify`, { amounts: [32, 45] })).body.error.code).toBe('VERIFICATION_NOT_PENDING');

    // Stripe's "attempts exceeded" test values (10, 11) end it at once.
    const other = await addBank(agent);
    const res = await agent.post(`${base}/${other.id}/verify`, { amounts: [10, 11] });
    expect(res.body.error.code).toBe('VERIFICATION_ATTEMPTS_EXCEEDED');
    expect((await row(other.id)).status).toBe('verification_failed');
  });

  it('reports an expired verification window (40, 41) as VERIFICATION_EXPIRED and marks the method expired', async () => {
    const { agent } = await mappedClient();
    const method = await addBank(agent);
    const res = await agent.post(`${base}/${method.id}/verify`, { amounts: [40, 41] });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('VERIFICATION_EXPIRED');
    expect((await row(method.id)).status).toBe('expired');
    expect((await agent.post(`${base}/${method.id}/verify`, { amounts: [32, 45] })).body.error.code).toBe('VERIFICATION_EXPIRED');
  });

  it('removing a bank account still being verified cancels its SetupIntent', async () => {
    const { agent } = await mappedClient();
    const method = await addBank(agent);
    const siId = await setupIntentIdOf(method.id);
    expect((await agent.request('DELETE', `${base}/${method.id}`)).status).toBe(204);
    expect((await msp.stripe.setupIntents.retrieve(siId)).status).toBe('canceled');
    expect((await row(method.id)).status).toBe('detached');
  });
});

describe('refusals', () => {
  it('needs the ACH debit authorization: MANDATE_NOT_ACCEPTED, nothing stored', async () => {
    const { agent, client } = await mappedClient();
    for (const body of [{ type: 'us_bank_account' }, { type: 'us_bank_account', acceptMandate: false }]) {
      const res = await agent.post(`${base}/setup`, body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('MANDATE_NOT_ACCEPTED');
    }
    expect(await knex()('payment_methods').where({ client_id: client.id })).toEqual([]);
  });

  it('offers no bank debits outside USD: PAYMENT_METHOD_TYPE_UNAVAILABLE', async () => {
    const inst = await connectInstallationToEmulator(ctx.db, ctx.secrets, app.emulator!);
    await ctx.db('installations').where({ id: inst.id }).update({ currency: 'EUR' });
    const { agent } = await mappedClient({ id: inst.id, scope: inst.scope, stripe: inst.stripe, name: 'EU MSP' });
    const res = await agent.post(`${base}/setup`, { type: 'us_bank_account', acceptMandate: true });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('PAYMENT_METHOD_TYPE_UNAVAILABLE');
    expect((await agent.post(`${base}/setup`, { type: 'card' })).status).toBe(201);
  });

  it('gives ignored and unmapped clients no online payment options', async () => {
    const { agent, client } = await mappedClient();
    await msp.scope.from('clients').where({ id: client.id }).update({ mapping_status: 'ignored', stripe_customer_id: null });
    const ignored = await agent.post(`${base}/setup`, { type: 'card' });
    expect(ignored.status).toBe(409);
    expect(ignored.body.error.code).toBe('ONLINE_PAYMENTS_UNAVAILABLE');
    await msp.scope.from('clients').where({ id: client.id }).update({ mapping_status: 'unmapped' });
    expect((await agent.post(`${base}/setup`, { type: 'card' })).body.error.code).toBe('ONLINE_PAYMENTS_UNAVAILABLE');
    expect(await knex()('payment_methods').where({ client_id: client.id })).toEqual([]);
  });

  it("answers 404 for another client's method, on every route", async () => {
    const owner = await mappedClient();
    const card = await addCard(owner.agent);
    const { agent } = await mappedClient();
    for (const [method, path, json] of [
      ['POST', `${base}/${card.id}/refresh`, undefined],
      ['POST', `${base}/${card.id}/verify`, { amounts: [32, 45] }],
      ['POST', `${base}/${card.id}/default`, undefined],
      ['DELETE', `${base}/${card.id}`, undefined],
      ['POST', `${base}/not-a-uuid/refresh`, undefined],
    ] as const) {
      const res = await agent.request(method, path, json ? { json } : {});
      expect(res.status, path).toBe(404);
      expect(res.body.error.code).toBe('PAYMENT_METHOD_NOT_FOUND');
    }
    expect(await row(card.id)).toMatchObject({ status: 'active', is_default: true });
  });

  it('requires a portal session and the CSRF token on writes', async () => {
    const anonymous = new Agent(app.url);
    expect((await anonymous.get(base)).status).toBe(401);
    const { agent } = await mappedClient();
    const res = await agent.post(`${base}/setup`, { type: 'card' }, { csrf: false });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('AUTH_CSRF_FAILED');
  });

  it('answers STRIPE_UNAVAILABLE when Stripe fails, and leaves nothing behind', async () => {
    const { agent, client } = await mappedClient();
    app.emulator!.control.setFaults({ errorRate: 1 });
    try {
      const res = await agent.post(`${base}/setup`, { type: 'card' });
      expect(res.status).toBe(502);
      expect(res.body.error.code).toBe('STRIPE_UNAVAILABLE');
    } finally {
      app.emulator!.control.setFaults({ errorRate: 0 });
    }
    expect(await knex()('payment_methods').where({ client_id: client.id })).toEqual([]);
    expect(await knex()('audit_log').where({ client_id: client.id, action: 'payment_method.setup_started' })).toEqual([]);
  });
});

describe('crash safety of the setup', () => {
  it('a crash after Stripe created the SetupIntent is resumed with the same row and the same SetupIntent', async () => {
    const { client, user } = await mappedClient();
    const scope = new ClientScope(ctx.db, msp.id, client.id);
    const actor = {
      principal: { kind: 'portal' as const, sessionId: 's', csrfToken: 'c', installationId: msp.id, clientId: client.id, userId: user.id, email: user.email, name: 'Pat' },
      ip: '198.51.100.7',
      userAgent: 'test',
      requestId: undefined,
    };
    let created: Stripe.SetupIntent | null = null;
    await expect(
      startSetup(ctx, scope, actor, { type: 'card' }, {
        afterStripeCreate: (si) => {
          created = si;
          throw new Error('process died');
        },
      }),
    ).rejects.toThrow('process died');
    const orphans = (await knex()('payment_methods').where({ client_id: client.id })) as Array<{ id: string; setup_intent_id: string | null }>;
    expect(orphans).toHaveLength(1);
    expect(orphans[0]!.setup_intent_id).toBeNull();
    expect(created!.metadata!.settle_payment_method_id).toBe(orphans[0]!.id);
    expect(setupIdempotencyKey(orphans[0]!.id)).toBe(`portal-setup:${orphans[0]!.id}`);

    clock.advance(3 * 60_000);
    const resumed = await startSetup(ctx, scope, actor, { type: 'card' });
    expect(resumed.paymentMethod.id).toBe(orphans[0]!.id);
    expect(await setupIntentIdOf(resumed.paymentMethod.id)).toBe(created!.id);
    expect(await knex()('payment_methods').where({ client_id: client.id })).toHaveLength(1);
    expect((await msp.stripe.setupIntents.list({ customer: (await scope.from('clients').first('stripe_customer_id')).stripe_customer_id })).data).toHaveLength(1);
  });
});

describe('verification reminder', () => {
  it('emails the portal users and billing contacts once, when the window closes within 3 days', async () => {
    const { agent, client, user } = await mappedClient();
    await msp.scope.forClient(client.id).insert('client_contacts', { name: 'Accounts Payable', email: 'ap@client.example', is_billing: true });
    const method = await addBank(agent);
    const later = await addBank(agent);
    await knex()('payment_methods')
      .where({ id: method.id })
      .update({ verification_expires_at: new Date(clock.now().getTime() + 2 * 86_400_000) });

    const first = await sendVerificationReminders(ctx);
    expect(first).toMatchObject({ reminded: 1, emails: 2, failed: 0 });
    const emails = (await knex()('outbox').where({ installation_id: msp.id, kind: 'email' }).whereRaw("dedupe_key like 'verification-reminder:%'")) as Array<{ payload: { to: string; subject: string; text: string; clientId: string } }>;
    expect(emails.map((e) => e.payload.to).sort()).toEqual(['ap@client.example', user.email].sort());
    expect(emails[0]!.payload.subject).toMatch(/^Reminder: verify your bank account by /);
    expect(emails[0]!.payload.text).toContain('STRIPE TEST BANK •••• 6789');
    expect(emails[0]!.payload.text).toContain(`/portal/payment-methods/${method.id}/verify`);
    expect(emails[0]!.payload.clientId).toBe(client.id);
    expect((await row(method.id)).verification_reminder_sent_at).toBeInstanceOf(Date);
    expect((await row(later.id)).verification_reminder_sent_at).toBeNull();

    await verificationReminderJob.run(ctx, {});
    expect(await knex()('outbox').where({ installation_id: msp.id, kind: 'email' }).whereRaw("dedupe_key like 'verification-reminder:%'")).toHaveLength(2);
    expect(await actions(method.id)).toContain('payment_method.verification_reminder_sent');
  });
});
