// Processing the event ledger against the Stripe emulator through the real SDK: chaos delivery
// (shuffled + duplicated) converges to Stripe's state and the same rows in any processing order;
// a crash between storing and processing loses nothing; failures retry with backoff, dead-letter and
// can be retried by an admin; two workers process each event exactly once; the drift sweep fixes a
// missed webhook; the endpoint is ensured idempotently.
import { createServer } from 'node:net';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../server/clock';
import { createDatabase, type Database } from '../../server/db/database';
import type { AppContext } from '../../server/http/context';
import { claimStripeEvents } from '../../server/webhooks/claim-stripe-events';
import { ensureWebhookEndpoint } from '../../server/webhooks/ensure-webhook-endpoint';
import { webhookHandlers } from '../../server/webhooks/handlers/index';
import type { WebhookHandlerMap } from '../../server/webhooks/handlers/webhook-handler';
import { processStripeEvents } from '../../server/webhooks/process-stripe-events';
import { removeWebhookEndpoint } from '../../server/webhooks/remove-webhook-endpoint';
import { MAX_EVENT_ATTEMPTS, retryDelayMs } from '../../server/webhooks/retry-policy';
import { runDriftSweep } from '../../server/webhooks/run-drift-sweep';
import { makeClient, makeStaffUser } from '../support/factories';
import { Agent } from '../support/http-agent';
import { startTestApp, testContext, type TestApp } from '../support/test-app';
import { connectInstallationToEmulator, eventPayload, postWebhook, signedHeader, webhookSecretOf } from '../support/webhook-fixtures';

let app: TestApp;
let ctx: AppContext;
let clock: ManualClock;
const extraDatabases: Database[] = [];

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

beforeAll(async () => {
  const port = await freePort();
  clock = new ManualClock(new Date());
  app = await startTestApp({
    clock,
    env: { PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}` },
    stripeEmulator: { bankSettlementDelayMs: 50, webhooks: { retryInitialDelayMs: 50, outOfOrder: true, duplicateRate: 1, batchWindowMs: 200 } },
  });
  ctx = app.runtime.ctx;
});
afterAll(async () => {
  for (const d of extraDatabases) await d.close();
  await app?.close();
});

const knex = () => app.db.database.knex;
const mandate_data = { customer_acceptance: { type: 'online' as const, online: { ip_address: '127.0.0.1', user_agent: 'vitest' } } };

async function insertPayment(scope: Awaited<ReturnType<typeof connectInstallationToEmulator>>['scope'], clientId: string, pi: string, amount: number) {
  const [row] = (await scope
    .insert('payments', { client_id: clientId, source: 'portal', status: 'pending', amount, currency: 'USD', stripe_payment_intent_id: pi, idempotency_key: `pay:${pi}` })
    .returning('id')) as Array<{ id: string }>;
  return row!.id;
}

/** The rows a webhook run produces, without bookkeeping columns. */
async function snapshot(installationId: string) {
  const payments = await knex()('payments').where({ installation_id: installationId }).orderBy('stripe_payment_intent_id').select('stripe_payment_intent_id', 'status', 'failure_code', 'decline_code', 'failure_message', 'stripe_charge_id', 'amount_refunded', 'dispute_status');
  const refunds = await knex()('refunds').where({ installation_id: installationId }).orderBy('stripe_refund_id').select('stripe_refund_id', 'amount', 'status');
  const disputes = await knex()('disputes').where({ installation_id: installationId }).orderBy('stripe_dispute_id').select('stripe_dispute_id', 'amount', 'status', 'reason');
  const methods = await knex()('payment_methods').where({ installation_id: installationId }).orderBy('setup_intent_id').select('setup_intent_id', 'stripe_payment_method_id', 'status', 'bank_name', 'last4', 'microdeposit_type', 'mandate_id');
  const clients = await knex()('clients').where({ installation_id: installationId }).orderBy('psa_ref').select('psa_ref', 'stripe_customer_id', 'mapping_status');
  return { payments, refunds, disputes, methods, clients };
}

describe('convergence under chaotic delivery', () => {
  it('shuffled, duplicated deliveries end in Stripe’s state, and reprocessing in reverse order gives the same rows', async () => {
    const inst = await connectInstallationToEmulator(ctx.db, ctx.secrets, app.emulator!);
    expect((await ensureWebhookEndpoint(ctx, inst.id)).action).toBe('created');
    const stripe = inst.stripe;
    const customer = await stripe.customers.create({ email: 'ap@contoso.example' });
    const client = await makeClient(inst.scope);
    await inst.scope.from('clients').where({ id: client.id }).update({ stripe_customer_id: customer.id, mapping_status: 'mapped' });
    const gone = await stripe.customers.create({ email: 'old@contoso.example' });
    const goneClient = await makeClient(inst.scope);
    await inst.scope.from('clients').where({ id: goneClient.id }).update({ stripe_customer_id: gone.id, mapping_status: 'mapped' });

    // A: declined, then paid with another card, then partly refunded.
    const a = await stripe.paymentIntents.create({ amount: 5000, currency: 'usd', customer: customer.id });
    await insertPayment(inst.scope, client.id, a.id, 5000);
    await stripe.paymentIntents.confirm(a.id, { payment_method: 'pm_card_visa_chargeDeclined' }).catch(() => undefined);
    await stripe.paymentIntents.confirm(a.id, { payment_method: 'pm_card_visa' });
    const refund = await stripe.refunds.create({ payment_intent: a.id, amount: 1200 });
    // B: paid, then disputed.
    const b = await stripe.paymentIntents.create({ amount: 3000, currency: 'usd', customer: customer.id });
    await insertPayment(inst.scope, client.id, b.id, 3000);
    await stripe.paymentIntents.confirm(b.id, { payment_method: 'pm_card_createDispute' });
    // C: a payment intent Settle did not create (no row): ignored, never fetched.
    await stripe.paymentIntents.create({ amount: 999, currency: 'usd', payment_method: 'pm_card_visa', confirm: true });
    // A bank account verified by micro-deposits.
    const si = await stripe.setupIntents.create({
      customer: customer.id,
      payment_method_data: { type: 'us_bank_account', us_bank_account: { routing_number: '110000000', account_number: '000123456789', account_holder_type: 'company', account_type: 'checking' }, billing_details: { name: 'Contoso' } },
      confirm: true,
      mandate_data,
      payment_method_options: { us_bank_account: { verification_method: 'microdeposits' } },
    });
    await inst.scope.insert('payment_methods', { client_id: client.id, setup_intent_id: si.id, type: 'us_bank_account', status: 'pending_verification', added_by_kind: 'client' });
    await stripe.setupIntents.verifyMicrodeposits(si.id, { descriptor_code: 'SM11AA' });
    await stripe.customers.del(gone.id);

    await app.emulator!.control.webhooksIdle();
    await new Promise((r) => setTimeout(r, 300)); // duplicates are fire-and-forget
    const attempts = app.emulator!.control.webhookAttempts();
    const delivered = new Set(attempts.filter((x) => x.status === 200).map((x) => x.eventId));
    expect(attempts.filter((x) => x.status === 200).length).toBeGreaterThan(delivered.size); // duplicates happened
    const stored = await knex()('stripe_events').where({ installation_id: inst.id }).select('stripe_event_id');
    expect(stored).toHaveLength(delivered.size); // one row per event id

    const first = await processStripeEvents(ctx);
    expect(first.failed + first.dead).toBe(0);
    const after = await snapshot(inst.id);

    // Stripe's truth.
    const pa = after.payments.find((p) => p.stripe_payment_intent_id === a.id)!;
    expect(pa).toMatchObject({ status: 'succeeded', failure_code: null, decline_code: null, amount_refunded: 1200 });
    expect(after.refunds).toEqual([{ stripe_refund_id: refund.id, amount: 1200, status: 'succeeded' }]);
    const pb = after.payments.find((p) => p.stripe_payment_intent_id === b.id)!;
    expect(pb.status).toBe('succeeded');
    const disputes = await stripe.disputes.list({ payment_intent: b.id });
    expect(after.disputes).toHaveLength(1);
    expect(after.disputes[0]).toMatchObject({ stripe_dispute_id: disputes.data[0]!.id, status: disputes.data[0]!.status });
    expect(pb.dispute_status).toBe(disputes.data[0]!.status);
    expect(after.payments).toHaveLength(2);
    expect(after.methods[0]).toMatchObject({ status: 'active', last4: '6789', bank_name: 'STRIPE TEST BANK' });
    expect(after.clients.find((c) => c.psa_ref && c.stripe_customer_id === null)).toBeTruthy();
    const audit = await knex()('audit_log').where({ installation_id: inst.id, action: 'client.unmapped' }).select('subject_id');
    expect(audit).toEqual([{ subject_id: goneClient.id }]);

    // Same events again, processed newest first from a reset state: same rows.
    const events = await knex()('stripe_events').where({ installation_id: inst.id }).orderBy('received_at').select('id');
    for (const [i, e] of events.entries()) {
      await knex()('stripe_events').where({ id: e.id }).update({ status: 'pending', attempts: 0, received_at: new Date(Date.UTC(2030, 0, 1) - i * 1000) });
    }
    await knex()('refunds').where({ installation_id: inst.id }).delete();
    await knex()('disputes').where({ installation_id: inst.id }).delete();
    await knex()('stripe_object_syncs').where({ installation_id: inst.id }).delete();
    await knex()('payments').where({ installation_id: inst.id }).update({ status: 'pending', stripe_charge_id: null, amount_refunded: 0, dispute_status: null });
    await knex()('payment_methods').where({ installation_id: inst.id }).update({ status: 'pending_verification', stripe_payment_method_id: null, last4: null, bank_name: null });
    const second = await processStripeEvents(ctx);
    expect(second.failed + second.dead).toBe(0);
    const again = await snapshot(inst.id);
    // The deleted customer's client stays unmapped (nothing to re-map it to): everything else is equal.
    expect(again).toEqual(after);
  });
});

describe('crash safety', () => {
  it('an event stored but never processed, or abandoned mid-processing, is processed by the sweep', async () => {
    const inst = await connectInstallationToEmulator(ctx.db, ctx.secrets, app.emulator!);
    await ensureWebhookEndpoint(ctx, inst.id);
    const secret = await webhookSecretOf(ctx.db, ctx.secrets, inst.id);
    const client = await makeClient(inst.scope);
    const pi1 = await inst.stripe.paymentIntents.create({ amount: 1000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true });
    const pi2 = await inst.stripe.paymentIntents.create({ amount: 2000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true });
    await insertPayment(inst.scope, client.id, pi1.id, 1000);
    await insertPayment(inst.scope, client.id, pi2.id, 2000);
    await app.emulator!.control.webhooksIdle();
    await processStripeEvents(ctx); // whatever the emulator delivered is done
    await inst.scope.from('payments').update({ status: 'pending' });
    await knex()('stripe_object_syncs').where({ installation_id: inst.id }).delete();

    // Stored (200 answered), then the process "dies": no worker runs (JOBS_ENABLED=false here).
    const p1 = eventPayload('payment_intent.succeeded', { id: pi1.id, object: 'payment_intent' });
    const p2 = eventPayload('payment_intent.succeeded', { id: pi2.id, object: 'payment_intent' });
    expect((await postWebhook(app.url, inst.id, p1, signedHeader(p1, secret))).status).toBe(200);
    expect((await postWebhook(app.url, inst.id, p2, signedHeader(p2, secret))).status).toBe(200);
    // A worker claims the first and dies before finishing it.
    const claimed = await claimStripeEvents(ctx, 1);
    expect(claimed).toHaveLength(1);

    // The sweep right away processes the unclaimed one; the claimed one is still leased.
    await runDriftSweep(ctx);
    const leased = await knex()('stripe_events').where({ id: claimed[0]!.id }).first('status');
    expect(leased.status).toBe('processing');
    // After the lease expires the sweep takes it over.
    clock.advance(3 * 60_000);
    await runDriftSweep(ctx);
    const rows = await knex()('stripe_events').whereIn('stripe_event_id', [JSON.parse(p1).id, JSON.parse(p2).id]).select('status', 'attempts', 'id');
    expect(rows.map((r) => r.status)).toEqual(['processed', 'processed']);
    expect(rows.find((r) => r.id === claimed[0]!.id)!.attempts).toBe(2);
    expect(((await inst.scope.from('payments').select('status')) as Array<{ status: string }>).map((r) => r.status)).toEqual(['succeeded', 'succeeded']);
  });
});

describe('retries and dead letters', () => {
  it('retries with backoff, dead-letters after the last attempt, shows it on the health panel and an admin can retry it', async () => {
    const inst = await connectInstallationToEmulator(ctx.db, ctx.secrets, app.emulator!);
    await ensureWebhookEndpoint(ctx, inst.id);
    const secret = await webhookSecretOf(ctx.db, ctx.secrets, inst.id);
    const payload = eventPayload('customer.updated', { id: 'cus_flaky', object: 'customer' });
    expect((await postWebhook(app.url, inst.id, payload, signedHeader(payload, secret))).status).toBe(200);
    const failing: WebhookHandlerMap = { ...webhookHandlers, 'customer.updated': async () => { throw new Error('database is on fire'); } };
    const row = () => knex()('stripe_events').where({ stripe_event_id: JSON.parse(payload).id }).first();

    for (let attempt = 1; attempt <= MAX_EVENT_ATTEMPTS; attempt++) {
      const result = await processStripeEvents(ctx, { handlers: failing });
      expect(result.claimed).toBe(1);
      const r = await row();
      expect(r.attempts).toBe(attempt);
      if (attempt < MAX_EVENT_ATTEMPTS) {
        expect(r.status).toBe('failed');
        expect(r.next_attempt_at.getTime() - clock.now().getTime()).toBe(retryDelayMs(attempt));
        expect((await processStripeEvents(ctx, { handlers: failing })).claimed).toBe(0); // not before its time
        clock.advance(retryDelayMs(attempt));
      } else {
        expect(r).toMatchObject({ status: 'dead', last_error: 'database is on fire' });
      }
    }

    const admin = await makeStaffUser(inst.scope, { role: 'admin' });
    const tech = await makeStaffUser(inst.scope, { role: 'technician' });
    const techAgent = new Agent(app.url);
    await techAgent.login('app', tech.email, tech.password);
    expect((await techAgent.get('/api/app/webhooks/health')).status).toBe(403);
    const agent = new Agent(app.url);
    expect((await agent.login('app', admin.email, admin.password)).status).toBe(200);
    const health = await agent.get('/api/app/webhooks/health');
    expect(health.status).toBe(200);
    expect(health.body.endpoint).toMatchObject({ status: 'enabled', urlMatches: true, eventsMatch: true });
    expect(health.body.last24h.dead).toBe(1);
    expect(health.body.lastEventReceivedAt).toEqual(expect.any(String));
    expect(health.body.deadLetters).toEqual([expect.objectContaining({ type: 'customer.updated', attempts: MAX_EVENT_ATTEMPTS, lastError: 'database is on fire' })]);
    expect(JSON.stringify(health.body)).not.toContain(secret);

    const id = health.body.deadLetters[0].id as string;
    expect((await agent.post(`/api/app/webhooks/events/${id}/retry`, undefined, { csrf: false })).status).toBe(403);
    const retried = await agent.post(`/api/app/webhooks/events/${id}/retry`);
    expect(retried).toMatchObject({ status: 200, body: { event: { id, status: 'pending', attempts: 0 } } });
    expect((await agent.post(`/api/app/webhooks/events/${id}/retry`)).body.error.code).toBe('WEBHOOK_EVENT_NOT_RETRYABLE');
    expect((await agent.post('/api/app/webhooks/events/00000000-0000-4000-8000-000000000000/retry')).status).toBe(404);
    const audit = await inst.scope.from('audit_log').where({ action: 'webhook_event.retried' }).first('actor_id', 'subject_id');
    expect(audit).toEqual({ actor_id: admin.id, subject_id: id });

    await processStripeEvents(ctx); // the real handler: customer not mapped → nothing to do
    expect((await row()).status).toBe('processed');
  });
});

describe('concurrency', () => {
  it('two workers draining at once process every event exactly once', async () => {
    const inst = await connectInstallationToEmulator(ctx.db, ctx.secrets, app.emulator!);
    const rows = Array.from({ length: 300 }, (_, i) => ({
      stripe_event_id: `evt_conc_${i}`,
      type: 'payment_intent.succeeded',
      livemode: false,
      payload: JSON.stringify({ id: `evt_conc_${i}`, type: 'payment_intent.succeeded', data: { object: { id: `pi_conc_${i}` } } }),
      stripe_created_at: new Date(),
      received_at: new Date(Date.now() - 300_000 + i),
      object_id: `pi_conc_${i}`,
    }));
    await inst.scope.insert('stripe_events', rows);
    const seen = new Map<string, number>();
    const counting: WebhookHandlerMap = {
      ...webhookHandlers,
      'payment_intent.succeeded': async ({ event }) => {
        seen.set(event.id, (seen.get(event.id) ?? 0) + 1);
        await new Promise((r) => setTimeout(r, 1));
        return { outcome: 'not_ours' };
      },
    };
    let other = ctx;
    if (app.db.location.kind === 'postgres') {
      const db2 = await createDatabase({ kind: 'postgres', url: app.db.location.url, poolMax: 4 });
      extraDatabases.push(db2);
      other = testContext(db2, { clock, emulator: app.emulator! });
    }
    const [r1, r2] = await Promise.all([
      processStripeEvents(ctx, { handlers: counting, batchSize: 10 }),
      processStripeEvents(other, { handlers: counting, batchSize: 10 }),
    ]);
    expect(r1.claimed + r2.claimed).toBe(300);
    if (app.db.location.kind === 'postgres') expect(Math.min(r1.claimed, r2.claimed)).toBeGreaterThan(0);
    expect(seen.size).toBe(300);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    const statuses = await inst.scope.from('stripe_events').groupBy('status', 'attempts').select('status', 'attempts').count({ n: '*' });
    expect(statuses).toEqual([{ status: 'processed', attempts: 1, n: 300 }]);
  });
});

describe('drift sweep', () => {
  it('fixes a payment and a bank account whose webhooks never came', async () => {
    const inst = await connectInstallationToEmulator(ctx.db, ctx.secrets, app.emulator!); // no endpoint: nothing is delivered
    const stripe: Stripe = inst.stripe;
    const client = await makeClient(inst.scope);
    const customer = await stripe.customers.create({});
    const pi = await stripe.paymentIntents.create({ amount: 4200, currency: 'usd', customer: customer.id });
    await insertPayment(inst.scope, client.id, pi.id, 4200);
    const si = await stripe.setupIntents.create({ customer: customer.id, payment_method: 'pm_card_visa', confirm: true });
    await inst.scope.insert('payment_methods', { client_id: client.id, setup_intent_id: si.id, type: 'card', status: 'pending_verification', added_by_kind: 'client' });
    await stripe.paymentIntents.confirm(pi.id, { payment_method: 'pm_card_chargeDeclinedExpiredCard' }).catch(() => undefined);
    const result = await runDriftSweep(ctx);
    expect(result.paymentIntents.failed + result.setupIntents.failed).toBe(0);
    expect(await inst.scope.from('payments').first('status', 'failure_code', 'decline_code')).toEqual({ status: 'failed', failure_code: 'expired_card', decline_code: 'expired_card' });
    expect(await inst.scope.from('payment_methods').first('status', 'brand', 'last4')).toEqual({ status: 'active', brand: 'visa', last4: '4242' });
    // Failed is not open: a later sweep leaves it; a retry that succeeds is picked up by its webhook.
    await stripe.paymentIntents.confirm(pi.id, { payment_method: 'pm_card_visa' });
    await inst.scope.from('payments').update({ status: 'processing' }); // as the pay flow would mark a retry
    await runDriftSweep(ctx);
    expect((await inst.scope.from('payments').first('status')).status).toBe('succeeded');
  });
});

describe('ensureWebhookEndpoint / removeWebhookEndpoint', () => {
  it('is idempotent, repairs drift in place, recreates a deleted endpoint and removes it tolerantly', async () => {
    const inst = await connectInstallationToEmulator(ctx.db, ctx.secrets, app.emulator!);
    const first = await ensureWebhookEndpoint(ctx, inst.id);
    expect(first.action).toBe('created');
    expect(await ensureWebhookEndpoint(ctx, inst.id)).toMatchObject({ action: 'unchanged', endpointId: first.endpointId });
    const list = await inst.stripe.webhookEndpoints.list();
    expect(list.data).toHaveLength(1);
    expect(list.data[0]!.url).toBe(`${ctx.config.publicUrl}/webhooks/stripe/${inst.id}`);
    expect([...list.data[0]!.enabled_events].sort()).toEqual([...Object.keys(webhookHandlers)].sort());
    const conn = await knex()('stripe_connections').where({ installation_id: inst.id }).first('webhook_secret_enc');
    expect(conn.webhook_secret_enc).toMatch(/^v1\./);

    await inst.stripe.webhookEndpoints.update(first.endpointId, { enabled_events: ['customer.created'], disabled: true });
    expect(await ensureWebhookEndpoint(ctx, inst.id)).toMatchObject({ action: 'updated', endpointId: first.endpointId });
    expect((await inst.stripe.webhookEndpoints.retrieve(first.endpointId)).status).toBe('enabled');

    await inst.stripe.webhookEndpoints.del(first.endpointId);
    const recreated = await ensureWebhookEndpoint(ctx, inst.id);
    expect(recreated.action).toBe('created');
    expect(recreated.endpointId).not.toBe(first.endpointId);
    expect((await inst.stripe.webhookEndpoints.list()).data.map((e) => e.id)).toEqual([recreated.endpointId]);

    expect(await removeWebhookEndpoint(ctx, inst.id)).toEqual({ removed: true });
    expect((await inst.stripe.webhookEndpoints.list()).data).toHaveLength(0);
    expect(await knex()('stripe_connections').where({ installation_id: inst.id }).first('webhook_endpoint_id', 'webhook_secret_enc')).toEqual({ webhook_endpoint_id: null, webhook_secret_enc: null });
    expect(await removeWebhookEndpoint(ctx, inst.id)).toEqual({ removed: false });
  });
});
