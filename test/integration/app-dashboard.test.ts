// The dashboard's figures, computed in the MSP's timezone from the injected clock, and the lists
// they link to answer with the same things (aging bucket → clients?age=…, overdue → clients?balance=overdue).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../server/clock';
import { makeClient, makeInstallation, makeInvoice, makeStaffUser } from '../support/factories';
import { Agent } from '../support/http-agent';
import { startTestApp, type TestApp } from '../support/test-app';

let app: TestApp;
// 23:30 on Dec 9 in Los Angeles is already Dec 10 in UTC: "today" must be Dec 9.
const clock = new ManualClock(new Date('2026-12-10T07:30:00Z'));

beforeAll(async () => {
  app = await startTestApp({ clock });
});
afterAll(() => app?.close());

describe('dashboard', () => {
  it('totals by status and age, collected per day, autopay, verifications and integrations', async () => {
    const knex = app.db.database.knex;
    const inst = await makeInstallation(knex, { timezone: 'America/Los_Angeles' });
    await knex('installations').where({ id: inst.id }).update({ settings: JSON.stringify({ autopay: { runAt: '09:00', retryScheduleDays: [3, 5, 7], achMaxRetries: 1, maxAmount: null } }) });
    const other = await makeInstallation(knex);
    await makeInvoice(other.scope, (await makeClient(other.scope)).id, { total: 999_999, dueDate: '2026-01-01' });
    const tech = await makeStaffUser(inst.scope);
    const a = await makeClient(inst.scope, { name: 'Aging Co' });
    const b = await makeClient(inst.scope, { name: 'Current Co' });

    await makeInvoice(inst.scope, b.id, { total: 1_000, dueDate: '2026-12-09' }); // due today: current
    await makeInvoice(inst.scope, a.id, { total: 2_000, dueDate: '2026-12-08' }); // 1 day late
    await makeInvoice(inst.scope, a.id, { total: 3_000, dueDate: '2026-11-09' }); // 30 days
    await makeInvoice(inst.scope, a.id, { total: 4_000, dueDate: '2026-11-08' }); // 31 days
    await makeInvoice(inst.scope, a.id, { total: 5_000, dueDate: '2026-09-09' }); // 91 days
    await makeInvoice(inst.scope, b.id, { total: 6_000, dueDate: '2026-12-01', status: 'processing' });
    await makeInvoice(inst.scope, b.id, { total: 7_000, dueDate: '2026-10-01', status: 'paid' });

    const pay = (fields: Record<string, unknown>) => inst.scope.insert('payments', { client_id: b.id, source: 'portal', amount: 1_000, currency: 'USD', ...fields });
    await pay({ status: 'succeeded', amount: 7_000, succeeded_at: new Date('2026-12-09T20:00:00Z') }); // Dec 9 local
    await pay({ status: 'succeeded', amount: 500, succeeded_at: new Date('2026-12-09T06:00:00Z') }); // 22:00 Dec 8 local
    await pay({ status: 'succeeded', amount: 300, succeeded_at: new Date('2026-09-01T18:00:00Z') }); // outside 90 days
    await pay({ status: 'failed', amount: 2_500, failure_code: 'card_declined', created_at: new Date('2026-12-05T10:00:00Z') });
    await pay({ status: 'failed', amount: 9_000, created_at: new Date('2026-10-01T10:00:00Z') }); // older than 30 days
    await pay({ status: 'succeeded', amount: 4_200, dispute_status: 'needs_response', succeeded_at: new Date('2026-08-01T10:00:00Z') });
    await pay({ status: 'succeeded', amount: 1_100, dispute_status: 'won', succeeded_at: new Date('2026-08-01T10:00:00Z') });

    const invoiceIds = (await inst.scope.from('invoices').where({ client_id: a.id }).orderBy('due_date').pluck('id')) as string[];
    const attempt = (i: number, status: string, at: string) =>
      inst.scope.insert('charge_attempts', { invoice_id: invoiceIds[i], client_id: a.id, attempt_no: 1, scheduled_for: new Date(at), idempotency_key: `t:${i}:${status}`, amount: 1_000, currency: 'USD', status, trigger: 'autopay', created_at: new Date(at) });
    await attempt(0, 'failed', '2026-12-07T17:05:00Z'); // an earlier run
    await attempt(1, 'succeeded', '2026-12-09T17:05:00Z'); // the last run (Dec 9, 09:05 local)
    await attempt(2, 'failed', '2026-12-09T17:06:00Z');
    await attempt(3, 'processing', '2026-12-09T17:06:00Z');
    await inst.scope.insert('payment_methods', { client_id: a.id, type: 'us_bank_account', status: 'pending_verification', microdeposit_type: 'descriptor_code', added_by_kind: 'client' });
    await inst.scope.insert('stripe_events', { stripe_event_id: 'evt_dead', type: 'payment_intent.succeeded', livemode: false, payload: '{}', status: 'dead', stripe_created_at: new Date() });
    await inst.scope.insert('outbox', { kind: 'psa_webhook', dedupe_key: 'x', payload: '{}', status: 'pending', attempts: 2 });

    const agent = new Agent(app.url);
    await agent.login('app', tech.email, tech.password);
    const res = await agent.get('/api/app/dashboard');
    expect(res.status).toBe(200);
    const d = res.body;
    expect(d.today).toBe('2026-12-09');
    expect(d.invoices.open).toEqual({ count: 5, amount: 15_000 });
    expect(d.invoices.overdue).toEqual({ count: 4, amount: 14_000 });
    expect(d.invoices.processing).toEqual({ count: 1, amount: 6_000 });
    expect(d.aging).toEqual([
      { bucket: 'current', count: 1, amount: 1_000 },
      { bucket: '1-30', count: 2, amount: 5_000 },
      { bucket: '31-60', count: 1, amount: 4_000 },
      { bucket: '61-90', count: 0, amount: 0 },
      { bucket: '90+', count: 1, amount: 5_000 },
    ]);
    expect(d.payments.failed).toEqual({ count: 1, amount: 2_500 });
    expect(d.payments.disputed).toEqual({ count: 1, amount: 4_200 });
    expect(d.collected.days).toBe(30);
    expect(d.collected.series).toHaveLength(30);
    expect(d.collected.series.at(-1)).toEqual({ date: '2026-12-09', amount: 7_000, count: 1 });
    expect(d.collected.series.at(-2)).toEqual({ date: '2026-12-08', amount: 500, count: 1 });
    expect(d.collected.total).toBe(7_500);
    expect((await agent.get('/api/app/dashboard?days=90')).body.collected.series).toHaveLength(90);
    // 23:30 local is past today's 09:00 run: the next one is tomorrow 09:00 in Los Angeles (17:00 UTC).
    expect(d.autopay.nextRunAt).toBe('2026-12-10T17:00:00.000Z');
    expect(d.autopay.lastRun).toEqual({ date: '2026-12-09', charged: 1, processing: 1, failed: 1, needsAction: 0, skipped: 0, total: 3 });
    expect(d.verifications).toEqual({ methods: 1, clients: 1 });
    expect(d.integrations).toEqual({ webhookEventsFailing: 0, webhookEventsDead: 1, psaDeliveriesFailing: 1, psaDeliveriesDead: 0 });

    // The lists behind the numbers.
    const names = async (q: string) => ((await agent.get(`/api/app/clients?${q}`)).body.clients as Array<{ name: string }>).map((c) => c.name);
    expect(await names('balance=overdue')).toEqual(['Aging Co']);
    expect(await names('age=current')).toEqual(['Current Co']);
    expect(await names('age=1-30')).toEqual(['Aging Co']);
    expect(await names('age=61-90')).toEqual([]);
    expect(await names('verification=awaiting')).toEqual(['Aging Co']);

    // Before 09:00 local the next run is today.
    clock.set(new Date('2026-12-10T15:00:00Z')); // 07:00 Dec 10 local
    await agent.login('app', tech.email, tech.password);
    expect((await agent.get('/api/app/dashboard')).body.autopay.nextRunAt).toBe('2026-12-10T17:00:00.000Z');
    expect((await agent.get('/api/app/dashboard?days=7')).status).toBe(400);
  });
});
