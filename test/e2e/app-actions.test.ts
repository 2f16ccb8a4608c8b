// In Chromium, against the real server and the Stripe emulator: a technician on a client's page
// sees a payment settle without reloading (live update), sends a setup link that the contact opens
// into the portal's add-method page, resyncs from Stripe, resends a receipt; filters and exports
// payments as CSV; filters the audit log; and is refused an admin-only page with an explanation.
import { readFileSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncPaymentIntent } from '../../server/payments/sync-payment-intent';
import { chromiumAvailable, openBrowser, screenshot as saveScreenshot } from '../support/browser';
import { makeStaffUser } from '../support/factories';
import { addPayingClient, saveCard } from '../support/payment-fixtures';
import { startTestApp, type TestApp } from '../support/test-app';
import { connectInstallationToEmulator } from '../support/webhook-fixtures';

let app: TestApp;
let browser: BrowserContext;
let page: Page;
let fixture: Awaited<ReturnType<typeof addPayingClient>>;
let card: { id: string; stripeId: string };
const consoleErrors: string[] = [];

async function screenshot(name: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await saveScreenshot(page, name);
}

beforeAll(async () => {
  if (!chromiumAvailable) return;
  app = await startTestApp({ stripeEmulator: true, realPublicUrl: true });
  const ctx = app.runtime.ctx;
  const inst = await connectInstallationToEmulator(ctx.db, ctx.secrets, app.emulator!);
  fixture = await addPayingClient(app, inst, { name: 'Proseware Dental' });
  card = await saveCard(fixture);
  const tech = await makeStaffUser(inst.scope, { role: 'technician' });
  browser = await openBrowser({ viewport: { width: 1360, height: 900 } });
  page = await browser.newPage();
  page.on('console', (m) => m.type() === 'error' && !/401|Failed to load resource/.test(m.text()) && consoleErrors.push(m.text()));
  await page.goto(`${app.url}/app/`);
  await page.getByLabel('Email').fill(tech.email);
  await page.getByLabel('Password').fill(tech.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe.skipIf(!chromiumAvailable)('technician actions in the browser', { timeout: 150_000 }, () => {
  it('a payment that settles while the page is open updates without a reload', async () => {
    const { inst, client, stripe, customer } = fixture;
    // Stripe has charged; Settle still shows the payment processing (its webhook is on its way).
    const pi = await stripe.paymentIntents.create({ amount: 31_500, currency: 'usd', customer: customer.id, payment_method: card.stripeId, confirm: true, off_session: true, allowed_payment_method_types: ['card'] } as never);
    const [payment] = (await inst.scope.insert('payments', { client_id: client.id, source: 'technician', status: 'processing', amount: 31_500, currency: 'USD', method_type: 'card', stripe_payment_intent_id: pi.id }).returning('id')) as Array<{ id: string }>;

    await page.goto(`${app.url}/app/clients/${client.id}?tab=payments`);
    await page.getByRole('heading', { level: 1, name: 'Proseware Dental' }).waitFor();
    const row = page.getByRole('region', { name: 'Payments' }).getByRole('row').filter({ hasText: '$315.00' });
    await row.getByText('Processing').waitFor();
    await page.getByRole('status').filter({ hasText: 'Live updates' }).waitFor();
    await page.evaluate(() => ((window as unknown as { marker: string }).marker = 'same page'));
    await screenshot('app-live-1-processing');

    // The webhook's sync runs (the same convergent function the handler calls).
    const ctx = app.runtime.ctx;
    await syncPaymentIntent({ scope: inst.scope, stripe, clock: ctx.clock, logger: ctx.logger, publicUrl: ctx.config.publicUrl, paymentIntentId: pi.id });
    expect((await inst.scope.from('payments').where({ id: payment!.id }).first('status')).status).toBe('succeeded');
    await row.getByText('Succeeded').waitFor();
    expect(await page.evaluate(() => (window as unknown as { marker?: string }).marker)).toBe('same page'); // no reload
    await screenshot('app-live-2-succeeded');

    // Resend its receipt (confirmed first).
    await row.getByRole('button', { name: /Resend the receipt/ }).click();
    await page.getByRole('dialog', { name: 'Resend the receipt?' }).getByRole('button', { name: 'Resend' }).click();
    await row.getByText(`Sent to ${fixture.user.email.toLowerCase()}`).waitFor();
  });

  it('sends a setup link the contact opens into the portal, and resyncs from Stripe', async () => {
    const { client, inst } = fixture;
    await page.goto(`${app.url}/app/clients/${client.id}`);
    await page.getByRole('heading', { level: 1, name: 'Proseware Dental' }).waitFor();
    await screenshot('app-client-overview');

    await page.getByRole('button', { name: 'Send setup link' }).click();
    const dialog = page.getByRole('dialog', { name: 'Send a secure setup link' });
    await dialog.getByLabel(/Create a link to copy/).check();
    await screenshot('app-setup-link-dialog');
    await dialog.getByRole('button', { name: 'Create the link' }).click();
    const ready = page.getByRole('dialog', { name: 'Setup link ready' });
    const url = await ready.getByRole('textbox', { name: 'Setup link' }).inputValue();
    expect(url).toMatch(/\/setup\/[A-Za-z0-9_-]{32,}$/);
    await screenshot('app-setup-link-ready');
    await ready.getByRole('button', { name: 'Done' }).click();

    // The contact, in their own browser: who asks, then the portal's own add-method page.
    const contactBrowser = await openBrowser();
    const contact = await contactBrowser.newPage();
    await contact.goto(url);
    await contact.getByRole('heading', { name: 'Add a payment method for Proseware Dental' }).waitFor();
    await saveScreenshot(contact, 'portal-setup-link-landing');
    await contact.getByRole('button', { name: /Continue/ }).click();
    await contact.getByRole('heading', { level: 1, name: 'Payment methods' }).waitFor();
    expect(new URL(contact.url()).pathname).toBe('/portal/payment-methods');
    await saveScreenshot(contact, 'portal-setup-link-methods');
    await contactBrowser.close();

    // Resync: a card whose details drifted in Settle is corrected from Stripe.
    await inst.scope.from('payment_methods').where({ id: card.id }).update({ last4: '0000' });
    await page.getByRole('button', { name: 'Resync from Stripe' }).click();
    await page.getByRole('dialog', { name: 'Resync from Stripe?' }).getByRole('button', { name: 'Resync' }).click();
    await page.getByRole('status').filter({ hasText: /Resynced from Stripe: 1 record updated/ }).waitFor();
    await page.getByRole('link', { name: 'Payment methods', exact: true }).click();
    await page.getByRole('region', { name: 'Payment methods' }).getByText(/4242/).waitFor();
    await screenshot('app-client-methods');
  });

  it('filters payments and downloads the CSV; filters the audit log', async () => {
    await page.getByRole('link', { name: 'Payments', exact: true }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Payments' }).waitFor();
    await page.getByLabel('Status').selectOption('succeeded');
    await expect.poll(() => new URL(page.url()).searchParams.get('status')).toBe('succeeded');
    const region = page.getByRole('region', { name: 'Payments' });
    await expect.poll(() => region.getByRole('row').count()).toBe(2);
    await screenshot('app-payments');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export CSV' }).click()]);
    const csv = readFileSync((await download.path())!, 'utf8').trim().split('\r\n');
    expect(csv[0]).toMatch(/^payment_id,date,status,display_status,amount,/);
    expect(csv).toHaveLength(2);
    expect(csv[1]).toContain(',315.00,');

    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
    await page.getByLabel('Action').selectOption({ label: 'Setup link created' });
    const entries = page.getByRole('region', { name: 'Audit log entries' });
    await expect.poll(() => entries.getByRole('row').count()).toBe(2);
    await entries.getByText('Setup link created').waitFor();
    await page.getByLabel('Action').selectOption({ label: 'All client actions' });
    await entries.getByText('Resynced from Stripe').waitFor();
    await screenshot('app-audit');
  });

  it('a technician is refused an admin-only page, with an explanation', async () => {
    expect(await page.getByRole('link', { name: 'Client mapping' }).count()).toBe(0);
    await page.goto(`${app.url}/app/mapping`);
    await page.getByRole('heading', { name: 'Only admins can map clients to Stripe customers' }).waitFor();
    const status = await page.evaluate(async () => (await fetch('/api/app/mapping/clients')).status);
    expect(status).toBe(403);
    await screenshot('app-technician-refused');
    await page.setViewportSize({ width: 768, height: 1024 });
    await page.goto(`${app.url}/app/clients/${fixture.client.id}?tab=payments`);
    await page.getByRole('heading', { level: 1, name: 'Proseware Dental' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
    await screenshot('app-client-payments-tablet');
    expect(consoleErrors).toEqual([]);
  });
});
