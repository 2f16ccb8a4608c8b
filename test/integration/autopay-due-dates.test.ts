// Which invoices are due for autopay, at timezone and DST boundaries, with an injected clock: an
// invoice is charged once its due date has come in the MSP's timezone and the MSP's daily run time
// (installation settings, autopay.runAt) has passed there. A table of instants around New York's
// 2026 DST changes (March 8, November 1), Auckland's (April 5, September 27) and the date line,
// and UTC. For each: what the run selects (selectDueInvoices) and what the technician's view says
// (the client's upcoming charges) — the two must agree.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getClientAutopay } from '../../server/autopay/actions/autopay-views';
import { selectDueInvoices } from '../../server/autopay/run-autopay';
import { ManualClock } from '../../server/clock';
import { makeClient, makeInstallation, makeInvoice } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

let app: TestApp;
const clock = new ManualClock('2026-01-01T00:00:00Z');

beforeAll(async () => {
  app = await startTestApp({ clock });
});
afterAll(() => app?.close());

interface Case {
  name: string;
  timezone: string;
  runAt: string;
  /** The instant (UTC). */
  now: string;
  /** Today in the MSP's timezone at that instant. */
  today: string;
  /** Whether the run has passed today (so an invoice due today is charged). */
  runPassed: boolean;
}

const CASES: Case[] = [
  // New York, spring forward 2026-03-08 02:00 EST → 03:00 EDT.
  { name: 'NY the evening before DST starts', timezone: 'America/New_York', runAt: '09:00', now: '2026-03-08T04:30:00Z', today: '2026-03-07', runPassed: true },
  { name: 'NY 01:30 EST on the DST day', timezone: 'America/New_York', runAt: '09:00', now: '2026-03-08T06:30:00Z', today: '2026-03-08', runPassed: false },
  { name: 'NY 03:30 EDT, right after the jump', timezone: 'America/New_York', runAt: '09:00', now: '2026-03-08T07:30:00Z', today: '2026-03-08', runPassed: false },
  { name: 'NY 08:30 EDT (09:30 would be wrong: that is EST)', timezone: 'America/New_York', runAt: '09:00', now: '2026-03-08T12:30:00Z', today: '2026-03-08', runPassed: false },
  { name: 'NY 09:30 EDT on the DST day (08:30 in EST)', timezone: 'America/New_York', runAt: '09:00', now: '2026-03-08T13:30:00Z', today: '2026-03-08', runPassed: true },
  { name: 'NY midnight run at 00:00 EST on the DST day', timezone: 'America/New_York', runAt: '00:00', now: '2026-03-08T05:00:00Z', today: '2026-03-08', runPassed: true },
  { name: 'NY 02:30 run time that does not exist on the DST day: passed once 03:00 EDT comes', timezone: 'America/New_York', runAt: '02:30', now: '2026-03-08T07:00:00Z', today: '2026-03-08', runPassed: true },
  // New York, fall back 2026-11-01 02:00 EDT → 01:00 EST.
  { name: 'NY 23:59 EDT the evening before DST ends', timezone: 'America/New_York', runAt: '09:00', now: '2026-11-01T03:59:00Z', today: '2026-10-31', runPassed: true },
  { name: 'NY midnight EDT on the day DST ends', timezone: 'America/New_York', runAt: '09:00', now: '2026-11-01T04:00:00Z', today: '2026-11-01', runPassed: false },
  { name: 'NY the first 01:30 (EDT)', timezone: 'America/New_York', runAt: '01:30', now: '2026-11-01T05:30:00Z', today: '2026-11-01', runPassed: true },
  { name: 'NY 08:30 EST after falling back (09:30 in EDT)', timezone: 'America/New_York', runAt: '09:00', now: '2026-11-01T13:30:00Z', today: '2026-11-01', runPassed: false },
  { name: 'NY exactly 09:00 EST', timezone: 'America/New_York', runAt: '09:00', now: '2026-11-01T14:00:00Z', today: '2026-11-01', runPassed: true },
  // Auckland: a day ahead of UTC.
  { name: 'Auckland 08:59 NZDT, UTC still the day before', timezone: 'Pacific/Auckland', runAt: '09:00', now: '2026-12-01T19:59:00Z', today: '2026-12-02', runPassed: false },
  { name: 'Auckland 09:00 NZDT, UTC still the day before', timezone: 'Pacific/Auckland', runAt: '09:00', now: '2026-12-01T20:00:00Z', today: '2026-12-02', runPassed: true },
  { name: 'Auckland 08:30 NZST after DST ended 2026-04-05 (09:30 in NZDT)', timezone: 'Pacific/Auckland', runAt: '09:00', now: '2026-04-04T20:30:00Z', today: '2026-04-05', runPassed: false },
  { name: 'Auckland 09:30 NZDT after DST started 2026-09-27 (08:30 in NZST)', timezone: 'Pacific/Auckland', runAt: '09:00', now: '2026-09-26T20:30:00Z', today: '2026-09-27', runPassed: true },
  // UTC.
  { name: 'UTC midnight run at midnight', timezone: 'UTC', runAt: '00:00', now: '2026-12-01T00:00:00Z', today: '2026-12-01', runPassed: true },
  { name: 'UTC one minute before a 23:30 run', timezone: 'UTC', runAt: '23:30', now: '2026-12-01T23:29:00Z', today: '2026-12-01', runPassed: false },
  { name: 'UTC at a 23:30 run', timezone: 'UTC', runAt: '23:30', now: '2026-12-01T23:30:00Z', today: '2026-12-01', runPassed: true },
  { name: 'UTC one minute before midnight, 09:00 run', timezone: 'UTC', runAt: '09:00', now: '2026-12-31T23:59:00Z', today: '2026-12-31', runPassed: true },
];

const shift = (date: string, days: number) => {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
};

describe('autopay due dates', () => {
  it.each(CASES)('$name', async (c) => {
    const knex = app.db.database.knex;
    const inst = await makeInstallation(knex, { timezone: c.timezone });
    await knex('installations').where({ id: inst.id }).update({ settings: JSON.stringify({ autopay: { runAt: c.runAt } }) });
    const client = await makeClient(inst.scope);
    const [method] = (await inst.scope.forClient(client.id).insert('payment_methods', { stripe_payment_method_id: `pm_${client.id.slice(0, 8)}`, type: 'card', brand: 'visa', last4: '4242', exp_month: 12, exp_year: 2030, status: 'active', added_by_kind: 'client' }).returning('id')) as Array<{ id: string }>;
    await inst.scope.from('clients').where({ id: client.id }).update({ stripe_customer_id: `cus_${client.id.slice(0, 8)}`, mapping_status: 'mapped', autopay_enabled: true, autopay_payment_method_id: method!.id });
    const yesterday = await makeInvoice(inst.scope, client.id, { dueDate: shift(c.today, -1), number: 'YESTERDAY' });
    const today = await makeInvoice(inst.scope, client.id, { dueDate: c.today, number: 'TODAY' });
    const tomorrow = await makeInvoice(inst.scope, client.id, { dueDate: shift(c.today, 1), number: 'TOMORROW' });
    clock.set(c.now);

    const selected = (await selectDueInvoices(app.runtime.ctx, inst.scope)).map((s) => s.invoiceNumber).sort();
    expect(selected).toEqual(c.runPassed ? ['TODAY', 'YESTERDAY'] : ['YESTERDAY']);

    // The technician's view agrees: when each is charged, and whether today's waits for the run time.
    const view = await getClientAutopay(app.runtime.ctx, inst.scope, client.id);
    const plan = Object.fromEntries(view.upcoming.map((u) => [u.invoiceId, u]));
    expect(plan[yesterday.id]).toMatchObject({ state: 'scheduled', nextChargeOn: c.today, note: 'Past due: autopay charges it at the next run.' });
    expect(plan[today.id]).toMatchObject({ state: 'scheduled', nextChargeOn: c.today, note: c.runPassed ? 'Due today: autopay charges it at the next run.' : `Due today: autopay charges it after ${c.runAt}.` });
    expect(plan[tomorrow.id]).toMatchObject({ state: 'scheduled', nextChargeOn: shift(c.today, 1) });
  });
});
