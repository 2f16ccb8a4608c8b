// In Chromium, against the real server and the Stripe emulator (webhooks delivered for real): a
// technician records a check split across two invoices from the client page, resolves an unknown
// payer in the exceptions queue by assigning the client (the rules then apply it), and refunds part
// of a card payment from its payment page. Disputes (with the evidence due date, answered from Settle) and a payout with
// its detail are looked at too. Screenshots of every page and dialog land in .screenshots/.
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebhookEndpoint } from '../../server/webhooks/ensure-webhook-endpoint';
import { chromiumAvailable, openBrowser, screenshot as saveScreenshot } from '../support/browser';
import { makeInvoice, makeStaffUser } from '../support/factories';
import { Agent } from '../support/http-agent';
import { makePayingClient, saveCard } from '../support/payment-fixtures';
import { startTestApp, type TestApp } from '../support/test-app';

let app: TestApp;
let browser: BrowserContext;
const knex = () => app.db.database.knex;

async function screenshot(page: Page, name: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await saveScreenshot(page, name);
}

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  if (!chromiumAvailable) return;
  app = await startTestApp({ realPublicUrl: true, env: { JOBS_ENABLED: 'true' }, jobs: [], stripeEmulator: { bankSettlementDelayMs: 200 } });
  browser = await openBrowser({ viewport: { width: 1360, height: 900 } });
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe.skipIf(!chromiumAvailable)('the ledger in the browser', () => {
  it('records an offline payment, resolves an exception, refunds a card payment, and shows disputes and payouts', { timeout: 120_000 }, async () => {
    const p = await makePayingClient(app, { name: 'Contoso Dental' });
    await ensureWebhookEndpoint(app.runtime.ctx, p.inst.id);
    const tech = await makeStaffUser(p.inst.scope, { role: 'technician' });
    const a = await makeInvoice(p.inst.scope, p.client.id, { total: 10_000, number: 'INV-1001', dueDate: '2026-11-10' });
    const b = await makeInvoice(p.inst.scope, p.client.id, { total: 25_000, number: 'INV-1002', dueDate: '2026-11-20' });
    await makeInvoice(p.inst.scope, p.client.id, { total: 18_000, number: 'INV-1003', dueDate: '2026-12-15' });

    const page = await browser.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && consoleErrors.push(m.text()));
    await page.goto(`${app.url}/app/`);
    await page.getByLabel('Email').fill(tech.email);
    await page.getByLabel('Password').fill(tech.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor(); // signing in lands on the dashboard

    // 1. Record a check from the client page, split across two invoices; the rest goes to credit.
    await page.goto(`${app.url}/app/clients/${p.client.id}`);
    await page.getByRole('heading', { name: 'Payments and credit' }).waitFor();
    await page.getByRole('button', { name: 'Record a payment…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Record a payment' });
    await dialog.getByLabel('Amount (USD)').fill('400.00');
    await dialog.getByLabel('Reference (optional)').fill('Check 5521');
    await dialog.getByLabel(/^INV-1001/).fill('100.00');
    await dialog.getByLabel(/^INV-1002/).fill('450.00');
    await dialog.getByRole('button', { name: 'Record payment' }).click();
    await dialog.getByText('At most $250.00 is open.').waitFor();
    await screenshot(page, 'ledger-1-record-payment-invalid');
    await dialog.getByLabel(/^INV-1002/).fill('250.00');
    await dialog.getByText('$50.00').waitFor(); // to credit
    await screenshot(page, 'ledger-2-record-payment');
    await dialog.getByRole('button', { name: 'Record payment' }).click();
    await page.getByRole('status').filter({ hasText: 'Recorded $400.00; $50.00 went to credit.' }).waitFor();
    await page.locator('.ledger-credit__balance', { hasText: '$50.00' }).waitFor();
    expect(await knex()('invoices').where({ id: a.id }).first('status')).toEqual({ status: 'paid' });
    expect(await knex()('invoices').where({ id: b.id }).first('status')).toEqual({ status: 'paid' });
    await screenshot(page, 'ledger-3-client-after-check');

    // 2. An unknown payer's wire waits in the exceptions queue; assigning the client applies it.
    const agent = new Agent(app.url);
    await agent.login('app', tech.email, tech.password);
    const wire = await agent.post('/api/app/payments/offline', {
      requestId: crypto.randomUUID(), clientId: null, method: 'wire', amount: 18_000, receivedOn: '2026-11-30', reference: 'WIRE 88213', payerName: 'ZYX HOLDINGS LLC', allocation: { mode: 'auto' },
    });
    expect(wire.body.outcome).toBe('exception');
    await page.getByRole('link', { name: 'Exceptions' }).click();
    await page.getByRole('heading', { level: 1, name: 'Exceptions' }).waitFor();
    const card = page.getByRole('article').filter({ hasText: '$180.00' });
    await card.getByText('Nothing in the payer name, email or reference points to a client').waitFor();
    await screenshot(page, 'ledger-4-exceptions');
    await card.getByRole('button', { name: 'Assign to a client…' }).click();
    const assign = page.getByRole('dialog', { name: 'Assign to a client' });
    await assign.getByLabel('Find a client').fill('Contoso');
    await assign.getByRole('option', { name: 'Contoso Dental' }).waitFor({ state: 'attached' });
    await assign.getByLabel('Client', { exact: true }).selectOption({ label: 'Contoso Dental' });
    await screenshot(page, 'ledger-5-assign-dialog');
    await assign.getByRole('button', { name: 'Assign and match' }).click();
    await page.getByRole('status').filter({ hasText: 'Payment applied.' }).waitFor();
    await page.getByRole('heading', { name: 'Nothing waiting' }).waitFor();
    const applied = await knex()('allocations').where({ payment_id: wire.body.payment.id }).first('rule', 'amount');
    expect(applied).toEqual({ rule: 'exact_amount', amount: 18_000 });
    await page.getByRole('button', { name: 'Resolved' }).click();
    await page.getByText('Assigned and matched').waitFor();
    await screenshot(page, 'ledger-6-exceptions-resolved');

    // 3. Refund part of a card payment from its payment page.
    const card4242 = await saveCard(p);
    const c = await makeInvoice(p.inst.scope, p.client.id, { total: 30_000, number: 'INV-1004' });
    const paid = await p.agent.post('/api/portal/payments', { invoiceIds: [c.id], paymentMethodId: card4242.id });
    await until(() => knex()('invoices').where({ id: c.id }).first('status'), (r) => r?.status === 'paid');
    await page.goto(`${app.url}/app/payments/${paid.body.payment.id}`);
    await page.getByRole('heading', { level: 1, name: '$300.00 from Contoso Dental' }).waitFor();
    await page.getByRole('button', { name: 'Refund…' }).click();
    const refund = page.getByRole('dialog', { name: 'Refund payment' });
    await refund.getByText('Card refunds are sent at once').waitFor();
    await refund.getByLabel('Amount (USD)').fill('120.00');
    await refund.getByRole('button', { name: 'Refund' }).click();
    await refund.getByText('Say why you are refunding.').waitFor();
    await refund.getByLabel('Reason').fill('Two hours billed twice');
    await screenshot(page, 'ledger-7-refund-dialog');
    await refund.getByRole('button', { name: 'Refund' }).click();
    await page.getByRole('status').filter({ hasText: 'Refunded $120.00.' }).waitFor();
    await page.getByRole('cell', { name: 'Two hours billed twice' }).waitFor();
    expect(await knex()('invoices').where({ id: c.id }).first('status', 'amount_remaining')).toEqual({ status: 'partially_paid', amount_remaining: 12_000 });
    await screenshot(page, 'ledger-8-payment-refunded');

    // 4. A disputed card payment shows its evidence due date; a payout shows what it settled.
    const disputed = await saveCard(p, 'pm_card_createDispute');
    const d = await makeInvoice(p.inst.scope, p.client.id, { total: 8_000, number: 'INV-1005' });
    await p.agent.post('/api/portal/payments', { invoiceIds: [d.id], paymentMethodId: disputed.id });
    await until(() => knex()('disputes').where({ installation_id: p.inst.id }).first('id'), (r) => Boolean(r));
    await page.getByRole('link', { name: 'Disputes' }).click();
    await page.getByRole('heading', { level: 1, name: 'Disputes' }).waitFor();
    await page.getByText('Needs response').waitFor();
    await page.getByText(/\(\d+ days\)/).waitFor();
    await screenshot(page, 'ledger-9-disputes');
    // Respond from Settle: the facts are drafted; an explanation and the confirmation are required.
    await page.getByRole('button', { name: /^Respond to the dispute of \$80\.00 from / }).click();
    const respond = page.getByRole('dialog', { name: 'Respond to the dispute' });
    await respond.getByLabel('What the client was billed for').waitFor();
    expect(await respond.getByLabel('What the client was billed for').inputValue()).toMatch(/invoice INV-1005 of .+ \(\$80\.00\)/);
    await respond.getByRole('button', { name: 'Submit evidence' }).click();
    await respond.getByText('Explain in a sentence or two why the charge is valid.').waitFor();
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('TEXTAREA');
    await respond.getByLabel('Why the charge is valid').fill('The client signed our managed services agreement and received the services on this invoice.');
    await respond.getByRole('button', { name: 'Submit evidence' }).click();
    await respond.getByText('Confirm you checked the evidence: it can be submitted only once.').waitFor();
    await respond.getByLabel(/^I checked this evidence\./).check();
    await screenshot(page, 'ledger-9b-dispute-response');
    await respond.getByRole('button', { name: 'Submit evidence' }).click();
    await page.getByRole('status').filter({ hasText: /^Evidence submitted for the \$80\.00 dispute from .+ The bank usually decides within 2–3 months/ }).waitFor();
    await page.getByText('Under review').waitFor();
    await page.getByText('Evidence submitted', { exact: true }).waitFor();
    expect(await page.getByRole('button', { name: /^Respond to the dispute/ }).count()).toBe(0);
    const stripeDispute = (await knex()('disputes').where({ installation_id: p.inst.id }).first('stripe_dispute_id')).stripe_dispute_id as string;
    expect((await p.stripe.disputes.retrieve(stripeDispute)).evidence.uncategorized_text).toMatch(/^The client signed our managed services agreement/);
    await screenshot(page, 'ledger-9c-dispute-submitted');

    const payout = await fetch(`${app.emulator!.url}/_emulator/payouts`, { method: 'POST', headers: { authorization: `Bearer ${p.inst.secretKey}`, 'content-type': 'application/json' }, body: '{}' });
    expect(payout.status).toBe(200);
    await until(() => knex()('payouts').where({ installation_id: p.inst.id }).whereNotNull('imported_at').first('id'), (r) => Boolean(r));
    await page.getByRole('link', { name: 'Payouts' }).click();
    await page.getByRole('heading', { level: 1, name: 'Payouts' }).waitFor();
    await page.getByRole('link', { name: /\w{3} \d+, \d{4}/ }).first().click();
    await page.getByRole('heading', { name: 'What it settled' }).waitFor();
    await page.getByRole('cell', { name: 'INV-1004' }).first().waitFor();
    await screenshot(page, 'ledger-10-payout');
    const csv = await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href');
    expect(csv).toMatch(/^\/api\/app\/payouts\/[0-9a-f-]+\/export\.csv$/);

    // Client page at the end: credit, payments with statuses, the dispute.
    await page.goto(`${app.url}/app/clients/${p.client.id}`);
    await page.getByRole('table', { name: 'Recent payments' }).waitFor();
    await screenshot(page, 'ledger-11-client-ledger');

    // Tablet width: no sideways scrolling on the exceptions page.
    await page.setViewportSize({ width: 820, height: 1000 });
    await page.goto(`${app.url}/app/exceptions`);
    await page.getByRole('heading', { level: 1, name: 'Exceptions' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
    expect(consoleErrors).toEqual([]);
  });
});
