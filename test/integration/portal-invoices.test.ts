// The portal's invoice list tells the client the truth: "overdue" is judged in the MSP's timezone,
// processing payments are neither due nor paid, and totals cover all invoices, not one page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../server/clock';
import { makeClient, makeInstallation, makeInvoice, makePortalUser } from '../support/factories';
import { Agent } from '../support/http-agent';
import { startTestApp, type TestApp } from '../support/test-app';

let app: TestApp;
let agent: Agent;
const clock = new ManualClock('2026-11-24T03:30:00Z'); // 22:30 on Nov 23 in New York, already Nov 24 in UTC

beforeAll(async () => {
  app = await startTestApp({ clock });
  const inst = await makeInstallation(app.db.database.knex, { timezone: 'America/New_York' });
  const client = await makeClient(inst.scope);
  await makeInvoice(inst.scope, client.id, { number: 'A-1', total: 10_000, dueDate: '2026-11-22' }); // overdue
  await makeInvoice(inst.scope, client.id, { number: 'A-2', total: 20_000, dueDate: '2026-11-23' }); // due today in NY
  await makeInvoice(inst.scope, client.id, { number: 'A-3', total: 30_000, dueDate: '2026-11-20', status: 'processing' });
  await makeInvoice(inst.scope, client.id, { number: 'A-4', total: 40_000, dueDate: '2026-10-01', status: 'paid' });
  await makeInvoice(inst.scope, client.id, { number: 'A-5', total: 50_000, dueDate: '2026-12-30' });
  await inst.scope.from('invoices').where({ number: 'A-4' }).update({ amount_paid: 40_000, amount_remaining: 0 });
  const user = await makePortalUser(inst.scope, client.id);
  agent = new Agent(app.url);
  await agent.login('portal', user.email, user.password);
});
afterAll(() => app?.close());

const numbers = (body: { invoices: Array<{ number: string }> }) => body.invoices.map((i) => i.number);

describe('portal invoices', () => {
  it('judges "overdue" by the date in the MSP timezone, not UTC', async () => {
    const res = await agent.get('/api/portal/invoices?filter=overdue');
    expect(numbers(res.body)).toEqual(['A-1']);
    const all = await agent.get('/api/portal/invoices?filter=all');
    const a2 = all.body.invoices.find((i: { number: string }) => i.number === 'A-2');
    expect(a2.overdue).toBe(false);
  });

  it('lists processing invoices as unpaid but never as due or overdue', async () => {
    const res = await agent.get('/api/portal/invoices');
    expect(numbers(res.body)).toEqual(['A-3', 'A-1', 'A-2', 'A-5']);
    expect(res.body.invoices.find((i: { number: string }) => i.number === 'A-3')).toMatchObject({ status: 'processing', overdue: false });
    expect(res.body.summary).toEqual({
      currency: 'USD',
      totalDue: 80_000,
      overdueAmount: 10_000,
      processingAmount: 30_000,
      dueCount: 3,
      processingCount: 1,
      unpaidCount: 4,
      overdueCount: 1,
    });
  });

  it('pages through all invoices newest first, with totals for all of them', async () => {
    const first = await agent.get('/api/portal/invoices?filter=all&pageSize=2');
    const second = await agent.get('/api/portal/invoices?filter=all&pageSize=2&page=2');
    const third = await agent.get('/api/portal/invoices?filter=all&pageSize=2&page=3');
    expect(first.body.total).toBe(5);
    expect([...numbers(first.body), ...numbers(second.body), ...numbers(third.body)]).toHaveLength(5);
    expect(new Set([...numbers(first.body), ...numbers(second.body), ...numbers(third.body)]).size).toBe(5);
    expect(third.body.summary.totalDue).toBe(80_000);
  });

  it('rejects an unknown filter with a 400', async () => {
    const res = await agent.get('/api/portal/invoices?filter=paid-ish');
    expect(res.status).toBe(400);
    expect(res.body.error.fields[0].path).toBe('filter');
  });
});
