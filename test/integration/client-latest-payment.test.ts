// Technicians see, per invoice, the status of the latest payment behind it — whether it was applied
// (allocation) or is still on its way or failed (charge attempt).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InstallationScope } from '../../server/db/tenant-scope';
import { makeClient, makeInstallation, makeInvoice, makeStaffUser } from '../support/factories';
import { Agent } from '../support/http-agent';
import { startTestApp, type TestApp } from '../support/test-app';

let app: TestApp;

async function payment(scope: InstallationScope, clientId: string, fields: Record<string, unknown>, createdAt: string): Promise<string> {
  const [row] = (await scope
    .insert('payments', { client_id: clientId, source: 'portal', status: 'succeeded', amount: 10_000, currency: 'USD', method_type: 'card', created_at: new Date(createdAt), updated_at: new Date(createdAt), ...fields })
    .returning('id')) as Array<{ id: string }>;
  return row!.id;
}

beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

describe('latest payment per invoice (technician client page)', () => {
  it('shows the newest payment through allocations or charge attempts, with refunds and disputes', async () => {
    const inst = await makeInstallation(app.db.database.knex);
    const admin = await makeStaffUser(inst.scope, { role: 'technician' });
    const client = await makeClient(inst.scope);
    const inv = async (n: string) => (await makeInvoice(inst.scope, client.id, { number: n, total: 10_000 })).id;
    const [paid, refunded, processing, failed, disputed, , retried] = await Promise.all(['A', 'B', 'C', 'D', 'E', 'F', 'G'].map(inv));
    const allocate = (paymentId: string, invoiceId: string) =>
      inst.scope.insert('allocations', { payment_id: paymentId, invoice_id: invoiceId, amount: 10_000, currency: 'USD', rule: 'metadata' });
    const attempt = (paymentId: string, invoiceId: string, n: number, status: string) =>
      inst.scope.insert('charge_attempts', { invoice_id: invoiceId, client_id: client.id, attempt_no: n, scheduled_for: new Date(), idempotency_key: `autopay:${invoiceId}:${n}`, payment_id: paymentId, amount: 10_000, currency: 'USD', status });

    await allocate(await payment(inst.scope, client.id, {}, '2026-11-01T10:00:00Z'), paid!);
    await allocate(await payment(inst.scope, client.id, { amount_refunded: 2_500 }, '2026-11-02T10:00:00Z'), refunded!);
    await attempt(await payment(inst.scope, client.id, { status: 'processing', method_type: 'us_bank_account' }, '2026-11-03T10:00:00Z'), processing!, 1, 'processing');
    await attempt(await payment(inst.scope, client.id, { status: 'failed', failure_code: 'card_declined', decline_code: 'insufficient_funds' }, '2026-11-04T10:00:00Z'), failed!, 1, 'failed');
    await allocate(await payment(inst.scope, client.id, { dispute_status: 'needs_response' }, '2026-11-05T10:00:00Z'), disputed!);
    await attempt(await payment(inst.scope, client.id, { status: 'failed', failure_code: 'card_declined' }, '2026-11-06T10:00:00Z'), retried!, 1, 'failed');
    await allocate(await payment(inst.scope, client.id, {}, '2026-11-09T10:00:00Z'), retried!);

    const agent = new Agent(app.url);
    await agent.login('app', admin.email, admin.password);
    const res = await agent.get(`/api/app/clients/${client.id}`);
    expect(res.status).toBe(200);
    const byNumber = Object.fromEntries(res.body.invoices.map((i: { number: string; latestPayment: unknown }) => [i.number, i.latestPayment]));
    expect(byNumber.A).toMatchObject({ status: 'succeeded', methodType: 'card', amount: 10_000 });
    expect(byNumber.B.status).toBe('partially_refunded');
    expect(byNumber.C).toMatchObject({ status: 'processing', methodType: 'us_bank_account' });
    expect(byNumber.D).toMatchObject({ status: 'failed', failureCode: 'card_declined', declineCode: 'insufficient_funds' });
    expect(byNumber.E.status).toBe('disputed');
    expect(byNumber.F).toBeNull();
    expect(byNumber.G.status).toBe('succeeded'); // the retry that worked, not the earlier decline
  });
});
