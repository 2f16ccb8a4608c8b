// In Chromium, against the real server and the Stripe emulator: a technician pauses autopay for a
// client from the Overview's Autopay card (with a reason the client reads) and resumes it, charges an
// invoice now from its page (one PaymentIntent, the attempt in the timeline), skips and unskips an
// invoice, and reads a declined charge in plain words with its next retry. Screenshots in .screenshots/.
import type { BrowserContext, Page } from 'playwright-core';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDate } from '../../server/installations/local-date';
import { formatDate } from '../../ui-kit/dates';
import { chromiumAvailable, openBrowser, screenshot as saveScreenshot } from '../support/browser';
import { makeInvoice, makeStaffUser } from '../support/factories';
import { addPayingClient, makePayingClient, saveCard } from '../support/payment-fixtures';
import { startTestApp, type TestApp } from '../support/test-app';

let app: TestApp;
let browser: BrowserContext;
const knex = () => app.db.database.knex;
// Real time (sessions and the browser's cookies follow it); due dates relative to today in New York.
const day = (offset: number) => localDate(new Date(Date.now() + offset * 86_400_000), 'America/New_York');
const shown = (offset: number) => formatDate(day(offset), 'en-US');

async function screenshot(page: Page, name: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await saveScreenshot(page, `autopay-${name}`);
}

async function intentsFor(p: { stripe: Stripe; customer: { id: string } }, invoiceId: string) {
  const list = await p.stripe.paymentIntents.list({ customer: p.customer.id, limit: 100 });
  return list.data.filter((pi) => pi.metadata.settle_invoice_id === invoiceId);
}

beforeAll(async () => {
  if (!chromiumAvailable) return;
  app = await startTestApp({ realPublicUrl: true, stripeEmulator: {} });
  browser = await openBrowser({ viewport: { width: 1360, height: 900 } });
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe.skipIf(!chromiumAvailable)('autopay in the technician UI', () => {
  it('pause and resume from the client card; charge now, skip and unskip from the invoice page; a decline in plain words', { timeout: 120_000 }, async () => {
    const p = await makePayingClient(app, { name: 'Fabrikam Dental' });
    const card = await saveCard(p, 'pm_card_visa');
    await knex()('clients').where({ id: p.client.id }).update({ autopay_enabled: true, autopay_payment_method_id: card.id });
    const overdue = await makeInvoice(p.inst.scope, p.client.id, { total: 12_000, number: 'INV-2001', dueDate: day(-3) });
    const next = await makeInvoice(p.inst.scope, p.client.id, { total: 45_050, number: 'INV-2002', dueDate: day(9) });
    await makeInvoice(p.inst.scope, p.client.id, { total: 8_000, number: 'INV-2003', dueDate: day(19) });
    const tech = await makeStaffUser(p.inst.scope, { role: 'technician' });

    const page = await browser.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && consoleErrors.push(m.text()));
    await page.goto(`${app.url}/app/`);
    await page.getByLabel('Email').fill(tech.email);
    await page.getByLabel('Password').fill(tech.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();

    // The Autopay card: on, the method, the next charges.
    await page.goto(`${app.url}/app/clients/${p.client.id}`);
    const autopayCard = page.getByRole('region', { name: /^Autopay/ });
    await autopayCard.getByText('Visa •••• 4242').waitFor();
    const upcoming = autopayCard.getByRole('list', { name: 'Upcoming autopay charges' });
    await upcoming.getByRole('link', { name: 'INV-2001' }).waitFor();
    expect(await upcoming.getByRole('listitem').allInnerTexts()).toEqual([
      expect.stringMatching(new RegExp(`INV-2001[\\s\\S]*\\$120\\.00[\\s\\S]*Past due: charges at the next run`)),
      expect.stringMatching(new RegExp(`INV-2002[\\s\\S]*\\$450\\.50[\\s\\S]*Charges on ${shown(9)}`)),
      expect.stringMatching(new RegExp(`INV-2003[\\s\\S]*\\$80\\.00[\\s\\S]*Charges on ${shown(19)}`)),
    ]);
    await screenshot(page, '01-client-card-on');

    // Pause, with a reason; confirmed in a dialog.
    await autopayCard.getByRole('button', { name: 'Pause autopay…' }).click();
    const pauseDialog = page.getByRole('dialog', { name: 'Pause autopay for Fabrikam Dental?' });
    await pauseDialog.getByLabel('Reason').fill('Your contract renewal is under review; we will resume after it is signed.');
    await screenshot(page, '02-pause-dialog');
    await pauseDialog.getByRole('button', { name: 'Pause autopay' }).click();
    await autopayCard.getByText('Autopay is paused for Fabrikam Dental.').waitFor();
    await autopayCard.getByText(`by ${tech.email}`, { exact: false }).waitFor();
    expect(await upcoming.getByText('Paused', { exact: true }).count()).toBe(3);
    expect(await knex()('clients').where({ id: p.client.id }).first('autopay_paused_reason')).toEqual({ autopay_paused_reason: 'Your contract renewal is under review; we will resume after it is signed.' });
    await screenshot(page, '03-client-card-paused');

    await autopayCard.getByRole('button', { name: 'Resume autopay…' }).click();
    await page.getByRole('dialog', { name: 'Resume autopay for Fabrikam Dental?' }).getByRole('button', { name: 'Resume autopay' }).click();
    await autopayCard.getByText('Autopay is back on for Fabrikam Dental.').waitFor();
    expect(await knex()('clients').where({ id: p.client.id }).first('autopay_paused_reason')).toEqual({ autopay_paused_reason: null });

    // Charge now, from the invoice page (reached from the card).
    await upcoming.getByRole('link', { name: 'INV-2001' }).click();
    await page.getByRole('heading', { level: 1, name: 'Invoice INV-2001' }).waitFor();
    const section = page.getByRole('region', { name: 'Autopay' });
    await section.getByText('No autopay attempts yet').waitFor();
    await page.getByRole('button', { name: 'Charge now' }).click();
    const chargeDialog = page.getByRole('dialog', { name: 'Charge $120.00 now?' });
    await chargeDialog.getByText(/to Visa •••• 4242/).waitFor();
    await screenshot(page, '04-charge-now-dialog');
    await chargeDialog.getByRole('button', { name: 'Charge now' }).click();
    await section.getByText('Charged $120.00 to Visa •••• 4242.').waitFor();
    const row = section.getByRole('row').nth(1);
    await row.getByText('Succeeded').waitFor();
    expect(await row.innerText()).toMatch(/Charge now[\s\S]*Visa •••• 4242[\s\S]*\$120\.00/);
    expect(await intentsFor(p, overdue.id)).toHaveLength(1);
    expect(await knex()('invoices').where({ id: overdue.id }).first('status')).toEqual({ status: 'paid' });
    await screenshot(page, '05-invoice-charged');

    // Skip, then unskip, another invoice.
    await page.goto(`${app.url}/app/invoices/${next.id}`);
    await page.getByRole('heading', { level: 1, name: 'Invoice INV-2002' }).waitFor();
    await page.getByRole('button', { name: 'Skip autopay' }).click();
    const skipDialog = page.getByRole('dialog', { name: 'Skip INV-2002 in autopay?' });
    await skipDialog.getByLabel('Note for your team (optional)').fill('Waiting for a credit note from the PSA');
    await skipDialog.getByRole('button', { name: 'Skip autopay' }).click();
    await page.getByText('Autopay will not charge INV-2002 until you unskip it.').waitFor();
    await page.getByRole('region', { name: 'Autopay' }).getByText('Skipped', { exact: true }).waitFor();
    expect((await knex()('invoices').where({ id: next.id }).first('autopay_skip_reason'))!.autopay_skip_reason).toBe('Waiting for a credit note from the PSA');
    await screenshot(page, '06-invoice-skipped');
    await page.getByRole('button', { name: 'Unskip autopay' }).click();
    await page.getByText('Autopay charges INV-2002 again when it is due.').waitFor();
    await page.getByRole('button', { name: 'Skip autopay' }).waitFor();
    expect((await knex()('invoices').where({ id: next.id }).first('autopay_skipped_at'))!.autopay_skipped_at).toBeNull();

    // A declined charge: the reason in plain words and the next retry.
    const declining = await addPayingClient(app, p.inst, { name: 'Tailspin Toys' });
    const failCard = await saveCard(declining, 'pm_card_chargeCustomerFail');
    await knex()('clients').where({ id: declining.client.id }).update({ autopay_enabled: true, autopay_payment_method_id: failCard.id });
    const failing = await makeInvoice(p.inst.scope, declining.client.id, { total: 9_900, number: 'INV-3001', dueDate: day(-1) });
    await page.goto(`${app.url}/app/invoices/${failing.id}`);
    await page.getByRole('button', { name: 'Charge now' }).click();
    await page.getByRole('dialog', { name: 'Charge $99.00 now?' }).getByRole('button', { name: 'Charge now' }).click();
    const failedSection = page.getByRole('region', { name: 'Autopay' });
    await failedSection.getByText('The charge was declined: The card was declined by its bank.').waitFor();
    await failedSection.getByText('Retry scheduled').waitFor();
    await failedSection.getByText(/Soft decline — retried on schedule/).waitFor();
    await failedSection.getByText(/Next retry /).waitFor();
    const retryAt = (await knex()('charge_attempts').where({ invoice_id: failing.id }).first('next_retry_at'))!.next_retry_at as Date;
    expect(Math.round((retryAt.getTime() - Date.now()) / 86_400_000)).toBe(3);
    await screenshot(page, '07-invoice-declined');

    expect(consoleErrors).toEqual([]);
  });
});
