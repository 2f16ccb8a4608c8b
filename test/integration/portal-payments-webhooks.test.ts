// A portal ACH payment settles through Stripe's webhooks alone — delivered out of order and every
// one twice — and the ledger applies it exactly once: the invoice is paid once (amount paid equals
// the total, not twice it), one receipt, one PSA write-back per payment version.
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebhookEndpoint } from '../../server/webhooks/ensure-webhook-endpoint';
import { makeInvoice } from '../support/factories';
import { makePayingClient, saveVerifiedBankAccount } from '../support/payment-fixtures';
import { startTestApp, type TestApp } from '../support/test-app';

let app: TestApp;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

beforeAll(async () => {
  const port = await freePort();
  app = await startTestApp({
    env: { PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, JOBS_ENABLED: 'true' },
    jobs: [],
    stripeEmulator: { bankSettlementDelayMs: 60_000, webhooks: { retryInitialDelayMs: 50, outOfOrder: true, duplicateRate: 1, batchWindowMs: 100 } },
  });
});
afterAll(() => app?.close());

describe('portal payment settled by webhooks only', () => {
  it('applies the payment once despite duplicated, reordered deliveries', async () => {
    const p = await makePayingClient(app);
    await ensureWebhookEndpoint(app.runtime.ctx, p.inst.id);
    const bank = await saveVerifiedBankAccount(p);
    const inv = await makeInvoice(p.inst.scope, p.client.id, { total: 64_000 });
    const res = await p.agent.post('/api/portal/payments', { invoiceIds: [inv.id], paymentMethodId: bank.id });
    expect(res.body.payment.status).toBe('processing');
    // The bank settles the debit when the emulator's clock says so, not when a loaded machine gets round to it.
    app.emulator!.control.advanceTime(120);
    const knex = app.db.database.knex;
    const until = Date.now() + 20_000;
    let row: { status: string; amount_paid: number } | undefined;
    while (Date.now() < until) {
      row = await knex('invoices').where({ id: inv.id }).first('status', 'amount_paid');
      if (row?.status === 'paid') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(row).toEqual({ status: 'paid', amount_paid: 64_000 });
    // Let the remaining duplicates arrive and be processed, then check nothing moved twice.
    await app.emulator!.control.webhooksIdle();
    await new Promise((r) => setTimeout(r, 500));
    expect(await knex('invoices').where({ id: inv.id }).first('status', 'amount_paid', 'amount_remaining')).toEqual({ status: 'paid', amount_paid: 64_000, amount_remaining: 0 });
    expect(await knex('allocations').where({ payment_id: res.body.payment.id }).select('state', 'amount')).toEqual([{ state: 'applied', amount: 64_000 }]);
    const receipts = (await knex('outbox').where({ kind: 'email' }).where('dedupe_key', 'like', `receipt:${res.body.payment.id}%`).select('id')) as unknown[];
    expect(receipts).toHaveLength(1);
    expect((await p.agent.get(`/api/portal/payments/${res.body.payment.id}`)).body.payment).toMatchObject({ status: 'succeeded', receiptAvailable: true });
  });
});
