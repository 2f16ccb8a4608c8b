// In Chromium, against the real server and the Stripe emulator (its Stripe.js stand-in is injected
// into the portal page): a client pays an invoice with a new card and gets a receipt; pays another
// from a saved, verified bank account and sees "processing" — not paid — until the debit settles; a
// card that fails shows the reason and the next step; a double click on Pay makes one payment;
// several invoices are paid together from the list; a second tab's payment in flight is explained;
// a public payment link is paid without signing in and is gone afterwards; and a client cannot open
// another client's invoice, receipt or payment. Every state is screenshotted into .screenshots/.
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import { paymentLinkFor, revokePaymentLink } from '../../server/payment-links/payment-links';
import { chromiumAvailable, openBrowser, screenshot as saveScreenshot } from '../support/browser';
import { makeInvoice } from '../support/factories';
import { addPayingClient, makePayingClient, saveCard, saveVerifiedBankAccount } from '../support/payment-fixtures';
import { ROOT } from '../support/template';
import { startTestApp, type TestApp } from '../support/test-app';

let app: TestApp;
let browser: BrowserContext;
let page: Page;
let p: Awaited<ReturnType<typeof makePayingClient>>;
let bank: { id: string };
const consoleErrors: string[] = [];

const MSP = 'Northwind IT Services';
const CLIENT = 'Contoso Ltd';

/** From the top: a full-page capture taken while scrolled paints sticky bars mid-page. */
async function screenshot(target: Page, name: string): Promise<void> {
  await target.evaluate(() => window.scrollTo(0, 0));
  await saveScreenshot(target, `portal-pay-${name}`);
}

/** What the phone's screen shows (a full-page capture paints fixed and sticky parts mid-page). */
async function viewportShot(target: Page, name: string): Promise<void> {
  await target.screenshot({ path: join(ROOT, '.screenshots', `portal-pay-${name}.png`) });
}

const knex = () => app.db.database.knex;
const invoiceRow = (id: string) => knex()('invoices').where({ id }).first('status', 'amount_paid', 'amount_remaining');
const paymentsFor = async (invoiceId: string) =>
  (await knex()('allocations').where({ invoice_id: invoiceId }).select('payment_id')) as Array<{ payment_id: string }>;

async function fillCard(target: Page, number: string): Promise<void> {
  await target.getByLabel('Card number').fill(number);
  await target.getByLabel('Expiration date').fill('12 / 34');
  await target.getByLabel('Security code').fill('123');
}

async function openInvoice(target: Page, number: string): Promise<void> {
  await target.goto(`${app.url}/portal/invoices?filter=all`);
  await target.getByRole('link', { name: `Invoice ${number}` }).click();
  await target.getByRole('heading', { level: 1, name: new RegExp(number) }).waitFor();
}

const dialog = () => page.getByRole('dialog');

beforeAll(async () => {
  if (!chromiumAvailable) return;
  // Bank debits settle only when the test moves the emulator's clock (4 business days, in effect).
  app = await startTestApp({ stripeEmulator: { bankSettlementDelayMs: 60_000 } });
  p = await makePayingClient(app, { name: CLIENT });
  await knex()('installations').where({ id: p.inst.id }).update({ name: MSP });
  browser = await openBrowser({ viewport: { width: 1280, height: 860 } });
  page = await browser.newPage();
  page.on('console', (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && consoleErrors.push(m.text()));
  await page.goto(`${app.url}/portal/`);
  await page.getByLabel('Email').fill(p.user.email);
  await page.getByLabel('Password').fill(p.user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Invoices' }).waitFor();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe.skipIf(!chromiumAvailable)('paying invoices in the client portal', () => {
  beforeEach(() => onTestFailed(() => screenshot(page, 'failed')));
  it('pays an invoice with a new card and shows the receipt', async () => {
    const inv = await makeInvoice(p.inst.scope, p.client.id, { total: 125_000, number: 'INV-2001', dueDate: '2026-12-15' });
    await openInvoice(page, 'INV-2001');
    await screenshot(page, '01-invoice-payable');

    await page.getByRole('button', { name: 'Pay $1,250.00' }).click();
    await dialog().getByRole('heading', { name: 'Pay invoice INV-2001' }).waitFor();
    // Focus moved into the dialog, and the page behind is inert.
    expect(await page.evaluate(() => document.activeElement?.closest('[role="dialog"]') !== null)).toBe(true);
    expect(await page.evaluate(() => document.getElementById('root')?.hasAttribute('inert'))).toBe(true);
    await dialog().getByRole('radio', { name: /New card/ }).check();
    await screenshot(page, '02-dialog-choose');

    await dialog().getByRole('button', { name: 'Continue to card details' }).click();
    await dialog().getByLabel('Card number').waitFor();
    await fillCard(page, '4242 4242 4242 4242');
    await screenshot(page, '03-dialog-card');
    await dialog().getByRole('button', { name: 'Pay $1,250.00' }).click();

    await dialog().getByRole('heading', { name: 'Payment received' }).waitFor();
    expect(await dialog().textContent()).toContain('Visa •••• 4242');
    await screenshot(page, '04-dialog-paid');
    expect(await invoiceRow(inv.id)).toEqual({ status: 'paid', amount_paid: 125_000, amount_remaining: 0 });

    await dialog().getByRole('link', { name: 'View receipt' }).click();
    await page.getByRole('heading', { level: 1, name: 'Receipt' }).waitFor();
    const receipt = page.getByRole('article');
    await receipt.getByText(MSP).first().waitFor();
    const text = (await receipt.textContent())!;
    expect(text).toContain(CLIENT);
    expect(text).toContain('Visa •••• 4242');
    expect(text).toContain('INV-2001');
    expect(text).toContain('$1,250.00');
    expect(text).toMatch(/paid in full/);
    await page.getByRole('button', { name: 'Print' }).waitFor();
    await screenshot(page, '05-receipt');
    await page.emulateMedia({ media: 'print' });
    await screenshot(page, '05b-receipt-print');
    expect(await page.getByRole('button', { name: 'Print' }).isVisible()).toBe(false);
    await page.emulateMedia({ media: 'screen' });

    // Back on the invoice: paid, no pay action, the payment in the history.
    await openInvoice(page, 'INV-2001');
    expect(await page.getByRole('button', { name: /^Pay / }).count()).toBe(0);
    await page.getByText('This invoice is paid.').waitFor();
    const history = page.getByRole('region', { name: 'Payments' }).or(page.locator('section[aria-labelledby="payments-title"]'));
    await history.getByText('Succeeded').waitFor();
    await history.getByRole('link', { name: /Receipt for the \$1,250\.00 payment/ }).waitFor();
    await screenshot(page, '06-invoice-paid');
  });

  it('pays from a saved, verified bank account: processing — not paid — until the debit clears', async () => {
    bank = await saveVerifiedBankAccount(p);
    const methods = (await p.agent.get('/api/portal/payment-methods')).body.methods as Array<{ id: string; label: string }>;
    const bankLabel = methods.find((m) => m.id === bank.id)!.label;
    const inv = await makeInvoice(p.inst.scope, p.client.id, { total: 80_000, number: 'INV-2002', dueDate: '2026-12-20' });
    await openInvoice(page, 'INV-2002');
    await page.getByRole('button', { name: 'Pay $800.00' }).click();
    const saved = dialog().getByRole('radio', { name: new RegExp(bankLabel.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) });
    await saved.waitFor();
    expect(await saved.isChecked()).toBe(true); // the only usable saved method is preselected
    await screenshot(page, '07-dialog-saved-bank');

    await dialog().getByRole('button', { name: 'Pay $800.00' }).click();
    await dialog().getByRole('heading', { name: 'Payment processing — not paid yet' }).waitFor();
    const text = (await dialog().textContent())!;
    expect(text).toMatch(/usually take 4 business days/);
    expect(text).toMatch(/We will email your receipt when it clears/);
    expect(text).not.toMatch(/Payment received/);
    expect(await dialog().getByRole('link', { name: 'View receipt' }).count()).toBe(0);
    await screenshot(page, '08-dialog-processing');
    await dialog().getByRole('button', { name: 'Done' }).click();
    await dialog().waitFor({ state: 'detached' });

    // The invoice says processing, never paid, and offers no second payment.
    await page.getByText(/is processing — bank payments usually take 4 business days/).waitFor();
    expect(await page.getByRole('button', { name: /^Pay / }).count()).toBe(0);
    await page.locator('.badge', { hasText: 'Processing' }).first().waitFor();
    expect(await page.getByText('Paid in full').count()).toBe(0);
    expect(await invoiceRow(inv.id)).toEqual({ status: 'processing', amount_paid: 0, amount_remaining: 80_000 });
    await screenshot(page, '09-invoice-processing');

    // Four business days later (the emulator's clock), the debit clears; "Check status" re-syncs.
    app.emulator!.control.advanceTime(5 * 24 * 3600);
    const until = Date.now() + 15_000;
    while (Date.now() < until && (await page.getByText('Paid in full. Thank you!').count()) === 0) {
      const check = page.getByRole('button', { name: 'Check status' });
      if (await check.count()) await check.click().catch(() => undefined);
      await page.waitForTimeout(300);
    }
    await page.getByText('Paid in full. Thank you!').waitFor();
    expect(await invoiceRow(inv.id)).toEqual({ status: 'paid', amount_paid: 80_000, amount_remaining: 0 });
    await page.getByRole('link', { name: /Receipt for the \$800\.00 payment/ }).waitFor();
    await screenshot(page, '10-invoice-bank-cleared');
  });

  it('a card that fails shows the reason and what to do next, and leaves the invoice payable', async () => {
    const inv = await makeInvoice(p.inst.scope, p.client.id, { total: 42_000, number: 'INV-2003', dueDate: '2026-11-10' });
    await openInvoice(page, 'INV-2003');
    const payButton = page.getByRole('button', { name: 'Pay $420.00' });
    await payButton.click();
    await dialog().getByRole('radio', { name: /New card/ }).check();
    await dialog().getByRole('button', { name: 'Continue to card details' }).click();
    await fillCard(page, '4000 0000 0000 0341');
    await dialog().getByRole('button', { name: 'Pay $420.00' }).click();
    await dialog().getByRole('heading', { name: 'Payment failed' }).waitFor();
    const alert = dialog().getByRole('alert');
    expect(await alert.textContent()).toMatch(/declined/i);
    expect(await alert.textContent()).toMatch(/What to do next:/);
    await screenshot(page, '11-dialog-failed');

    await dialog().getByRole('button', { name: 'Try another payment method' }).click();
    await dialog().getByRole('radio', { name: /New card/ }).waitFor();
    // Escape closes the dialog and gives focus back to the Pay button.
    await page.keyboard.press('Escape');
    await dialog().waitFor({ state: 'detached' });
    await expect.poll(() => payButton.evaluate((el) => el === document.activeElement)).toBe(true);
    await expect.poll(async () => Number((await knex()('allocations').where({ invoice_id: inv.id, state: 'pending' }).count({ n: '*' }))[0]!.n)).toBe(0);
    expect((await invoiceRow(inv.id))!.status).toBe('open');
    await page.getByRole('cell', { name: /declined/i }).first().waitFor();
    await page.locator('.badge', { hasText: 'Failed' }).first().waitFor();
    await screenshot(page, '12-invoice-failed-history');
  });

  it('closing the dialog before confirming cancels the payment it started', async () => {
    const inv = await makeInvoice(p.inst.scope, p.client.id, { total: 1_500, number: 'INV-2015' });
    await openInvoice(page, 'INV-2015');
    await page.getByRole('button', { name: 'Pay $15.00' }).click();
    await dialog().getByRole('radio', { name: /New card/ }).check();
    await dialog().getByRole('button', { name: 'Continue to card details' }).click();
    await dialog().getByLabel('Card number').waitFor();
    const [started] = await paymentsFor(inv.id);
    await page.keyboard.press('Escape');
    await dialog().waitFor({ state: 'detached' });
    await expect.poll(async () => (await knex()('payments').where({ id: started!.payment_id }).first('status')).status).toBe('canceled');
    await page.getByRole('button', { name: 'Pay $15.00' }).waitFor(); // payable again at once
  });

  it('a double click on Pay makes one payment (saved card and new card)', async () => {
    await saveCard(p, 'pm_card_visa');
    const a = await makeInvoice(p.inst.scope, p.client.id, { total: 9_900, number: 'INV-2004' });
    await openInvoice(page, 'INV-2004');
    await page.getByRole('button', { name: 'Pay $99.00' }).click();
    await dialog().getByRole('radio', { name: /Visa •••• 4242/ }).check();
    await dialog().getByRole('button', { name: 'Pay $99.00' }).dblclick();
    await dialog().getByRole('heading', { name: 'Payment received' }).waitFor();
    expect(await paymentsFor(a.id)).toHaveLength(1);
    await dialog().getByRole('button', { name: 'Done' }).click();

    const b = await makeInvoice(p.inst.scope, p.client.id, { total: 5_000, number: 'INV-2005' });
    await openInvoice(page, 'INV-2005');
    await page.getByRole('button', { name: 'Pay $50.00' }).click();
    await dialog().getByRole('radio', { name: /New card/ }).check();
    await dialog().getByRole('button', { name: 'Continue to card details' }).dblclick();
    await dialog().getByLabel('Card number').waitFor();
    await fillCard(page, '4242 4242 4242 4242');
    await dialog().getByRole('button', { name: 'Pay $50.00' }).dblclick();
    await dialog().getByRole('heading', { name: 'Payment received' }).waitFor();
    const rows = await paymentsFor(b.id);
    expect(rows).toHaveLength(1);
    expect((await knex()('payments').where({ id: rows[0]!.payment_id }).first('status')).status).toBe('succeeded');
    await dialog().getByRole('button', { name: 'Done' }).click();
  });

  it('pays several invoices selected in the list (keyboard too) in one payment', async () => {
    const a = await makeInvoice(p.inst.scope, p.client.id, { total: 15_000, number: 'INV-2006', dueDate: '2026-12-01' });
    const b = await makeInvoice(p.inst.scope, p.client.id, { total: 27_550, number: 'INV-2007', dueDate: '2026-12-05' });
    await page.goto(`${app.url}/portal/invoices`);
    await page.getByRole('heading', { level: 1, name: 'Invoices' }).waitFor();
    const boxA = page.getByRole('checkbox', { name: 'Select invoice INV-2006 ($150.00) to pay' });
    await boxA.focus();
    await page.keyboard.press('Space');
    expect(await boxA.isChecked()).toBe(true);
    await page.getByRole('checkbox', { name: 'Select invoice INV-2007 ($275.50) to pay' }).check();
    const paySelected = page.getByRole('button', { name: 'Pay selected (2) — $425.50 total' });
    await paySelected.waitFor();
    await screenshot(page, '13-list-selected');

    await paySelected.click();
    await dialog().getByRole('heading', { name: 'Pay 2 invoices' }).waitFor();
    await dialog().getByText('INV-2007').waitFor(); // the invoices' lines load after the heading
    expect(await dialog().getByText('INV-2006').count()).toBe(1);
    expect(await dialog().getByText('INV-2007').count()).toBe(1);
    await dialog().getByRole('radio', { name: /Visa •••• 4242/ }).check();
    await screenshot(page, '14-dialog-multi');
    await dialog().getByRole('button', { name: 'Pay $425.50' }).click();
    await dialog().getByRole('heading', { name: 'Payment received' }).waitFor();
    expect(await dialog().textContent()).toContain('INV-2006 and INV-2007');
    await screenshot(page, '15-dialog-multi-paid');
    await dialog().getByRole('button', { name: 'Done' }).click();
    await expect.poll(() => page.getByRole('link', { name: 'Invoice INV-2006' }).count()).toBe(0); // paid: off the unpaid list
    expect(await page.getByRole('button', { name: /Pay selected/ }).count()).toBe(0);
    expect((await invoiceRow(a.id))!.status).toBe('paid');
    expect((await invoiceRow(b.id))!.status).toBe('paid');
    const [one] = await paymentsFor(a.id);
    expect(await paymentsFor(b.id)).toEqual([one]);
  });

  it('a payment already in flight from another tab is explained, not charged twice', async () => {
    const inv = await makeInvoice(p.inst.scope, p.client.id, { total: 6_000, number: 'INV-2008' });
    await openInvoice(page, 'INV-2008');
    await page.getByRole('button', { name: 'Pay $60.00' }).click();
    await dialog().getByRole('radio', { name: /Visa •••• 4242/ }).check();
    // Meanwhile, in another tab: a bank debit for the same invoice.
    const other = await p.agent.post('/api/portal/payments', { invoiceIds: [inv.id], paymentMethodId: bank.id });
    expect(other.body.payment.status).toBe('processing');
    await dialog().getByRole('button', { name: 'Pay $60.00' }).click();
    const alert = dialog().getByRole('alert');
    await alert.getByText(/already in progress/).waitFor();
    // The payment under way, as the server has it, and no second try from here.
    await alert.getByText(/INV-2008:.*\$60\.00 payment from STRIPE TEST BANK .* is processing — bank payments usually take 4 business days/).waitFor();
    await alert.getByRole('link', { name: 'See INV-2008' }).waitFor();
    expect(await dialog().getByRole('button', { name: 'Pay $60.00' }).isDisabled()).toBe(true);
    await screenshot(page, '16-dialog-in-flight');
    expect(await paymentsFor(inv.id)).toHaveLength(1);
    await dialog().getByRole('button', { name: 'Close', exact: true }).click();
    await page.getByText(/is processing — bank payments usually take 4 business days/).waitFor();
  });

  it('3-D Secure: Stripe.js’s challenge stays usable over the dialog, for a new card and a saved one', async () => {
    const challenge = () => page.frameLocator('iframe[title="3D Secure authentication"]');
    await makeInvoice(p.inst.scope, p.client.id, { total: 2_500, number: 'INV-2012' });
    await openInvoice(page, 'INV-2012');
    await page.getByRole('button', { name: 'Pay $25.00' }).click();
    await dialog().getByRole('radio', { name: /New card/ }).check();
    await dialog().getByRole('button', { name: 'Continue to card details' }).click();
    await fillCard(page, '4000 0027 6000 3184');
    await dialog().getByRole('button', { name: 'Pay $25.00' }).click();
    await challenge().getByRole('button', { name: 'Complete authentication' }).waitFor();
    await screenshot(page, '17a-3ds-challenge');
    await challenge().getByRole('button', { name: 'Complete authentication' }).click();
    await dialog().getByRole('heading', { name: 'Payment received' }).waitFor();
    await dialog().getByRole('button', { name: 'Done' }).click();

    // A saved card that needs authentication: the server answers requires_action, the page hands it to Stripe.js.
    const strict = await saveCard(p, 'pm_card_authenticationRequired');
    const inv = await makeInvoice(p.inst.scope, p.client.id, { total: 3_300, number: 'INV-2013' });
    await openInvoice(page, 'INV-2013');
    await page.getByRole('button', { name: 'Pay $33.00' }).click();
    await dialog().locator(`input[value="saved:${strict.id}"]`).check();
    await dialog().getByRole('button', { name: 'Pay $33.00' }).click();
    await challenge().getByRole('button', { name: 'Fail authentication' }).click();
    await dialog().getByRole('heading', { name: /Authentication wasn’t completed|Payment failed/ }).waitFor();
    await screenshot(page, '17b-3ds-failed');
    await dialog().getByRole('button', { name: 'Try another payment method' }).click();
    await dialog().locator(`input[value="saved:${strict.id}"]`).check();
    await dialog().getByRole('button', { name: 'Pay $33.00' }).click();
    await challenge().getByRole('button', { name: 'Complete authentication' }).click();
    await dialog().getByRole('heading', { name: 'Payment received' }).waitFor();
    expect((await invoiceRow(inv.id))!.status).toBe('paid');
    await dialog().getByRole('button', { name: 'Done' }).click();
  });

  it('partial payments when the MSP allows them (with the minimum), and ACH turned off with the reason', async () => {
    await knex()('installations')
      .where({ id: p.inst.id })
      .update({ settings: JSON.stringify({ partialPayments: { allowed: true, minimum: 5_000 }, paymentMethods: { card: true, usBankAccount: false } }) });
    const inv = await makeInvoice(p.inst.scope, p.client.id, { total: 30_000, number: 'INV-2014' });
    await page.goto(`${app.url}/portal/invoices/${inv.id}`); // a fresh page load reads the new Stripe config
    await page.getByRole('button', { name: 'Pay $300.00' }).click();
    const amount = dialog().getByLabel('Amount to pay for INV-2014');
    expect(await amount.inputValue()).toBe('300.00');
    await dialog().getByText('Your provider does not accept bank account (ACH) payments.').waitFor();
    expect(await dialog().getByRole('radio', { name: /New bank account/ }).isDisabled()).toBe(true);
    await amount.fill('20');
    await dialog().getByRole('radio', { name: /Visa •••• 4242/ }).first().check();
    await dialog().getByRole('button', { name: 'Pay $20.00' }).click();
    await dialog().getByText('The minimum payment is $50.00.').waitFor();
    expect(await amount.getAttribute('aria-invalid')).toBe('true');
    await expect.poll(() => amount.evaluate((el) => el === document.activeElement)).toBe(true);
    await screenshot(page, '17c-dialog-partial-minimum');
    await amount.fill('100.50');
    await dialog().getByRole('button', { name: 'Pay $100.50' }).click();
    await dialog().getByRole('heading', { name: 'Payment received' }).waitFor();
    await dialog().getByRole('button', { name: 'Done' }).click();
    expect(await invoiceRow(inv.id)).toEqual({ status: 'partially_paid', amount_paid: 10_050, amount_remaining: 19_950 });
    await page.getByRole('button', { name: 'Pay $199.50' }).waitFor();
    await knex()('installations').where({ id: p.inst.id }).update({ settings: JSON.stringify({}) });
  });

  it('a payment link is paid without signing in, shows nothing else about the client, and is gone afterwards', async () => {
    const inv = await makeInvoice(p.inst.scope, p.client.id, { total: 31_000, number: 'INV-2009', dueDate: '2026-12-31' });
    const system = { type: 'system' as const, id: null, label: 'test' };
    const { url } = await paymentLinkFor(app.runtime.ctx, p.inst.scope, inv.id, system);
    const path = new URL(url).pathname;
    const anonymous = await openBrowser({ viewport: { width: 1280, height: 860 } });
    try {
      const link = await anonymous.newPage();
      await link.goto(`${app.url}${path}`);
      await link.getByRole('heading', { level: 1, name: 'Invoice INV-2009' }).waitFor();
      const body = (await link.locator('body').textContent())!;
      expect(body).toContain(MSP);
      expect(body).toContain('$310.00');
      expect(body).not.toContain(CLIENT);
      expect(body).not.toContain('INV-2001'); // no other invoice
      await screenshot(link, 'link-01-invoice');
      await link.setViewportSize({ width: 390, height: 844 });
      await viewportShot(link, 'link-01b-phone');
      await link.setViewportSize({ width: 1280, height: 860 });

      await link.getByRole('radio', { name: /Card/ }).check();
      await link.getByRole('button', { name: 'Continue to card details' }).click();
      await fillCard(link, '4242 4242 4242 4242');
      await screenshot(link, 'link-02-card');
      await link.getByRole('button', { name: 'Pay $310.00' }).click();
      await link.getByRole('heading', { name: 'Payment received' }).waitFor();
      await screenshot(link, 'link-03-paid');
      expect(await invoiceRow(inv.id)).toEqual({ status: 'paid', amount_paid: 31_000, amount_remaining: 0 });

      // Settled: the link is no longer valid.
      await link.reload();
      await link.getByRole('heading', { name: 'This payment link is no longer valid' }).waitFor();
      expect((await link.locator('body').textContent())!).not.toContain(MSP);
      await screenshot(link, 'link-04-invalid');

      // A revoked link and a made-up token read the same.
      const other = await makeInvoice(p.inst.scope, p.client.id, { total: 1_000, number: 'INV-2010' });
      const revoked = new URL((await paymentLinkFor(app.runtime.ctx, p.inst.scope, other.id, system)).url).pathname;
      await revokePaymentLink(app.runtime.ctx, p.inst.scope, other.id, system);
      for (const dead of [revoked, '/portal/pay/pl_not-a-real-token']) {
        await link.goto(`${app.url}${dead}`);
        await link.getByRole('heading', { name: 'This payment link is no longer valid' }).waitFor();
      }
      expect((await link.evaluate(async (t) => (await fetch(`/api/pay/${t}`)).status, revoked.split('/').pop()!))).toBe(404);
    } finally {
      await anonymous.close();
    }
  });

  it('a client cannot open another client’s invoice, receipt or payment', async () => {
    const y = await addPayingClient(app, p.inst, { name: 'Fabrikam Inc' });
    const yInv = await makeInvoice(p.inst.scope, y.client.id, { total: 7_700, number: 'FAB-1' });
    const started = await y.agent.post('/api/portal/payments', { invoiceIds: [yInv.id], methodType: 'card' });
    await y.stripe.paymentIntents.confirm(started.body.clientSecret.split('_secret_')[0], { payment_method: 'pm_card_visa' });
    const yPayment = (await y.agent.post(`/api/portal/payments/${started.body.payment.id}/refresh`, {})).body.payment;
    expect(yPayment.status).toBe('succeeded');

    await page.goto(`${app.url}/portal/invoices/${yInv.id}`);
    await page.getByRole('heading', { name: 'We couldn’t find this invoice' }).waitFor();
    await screenshot(page, '20-other-clients-invoice');
    await page.goto(`${app.url}/portal/receipts/${yPayment.id}`);
    await page.getByRole('heading', { name: 'This receipt isn’t available' }).waitFor();
    const statuses = await page.evaluate(
      async ({ invoiceId, paymentId }) => {
        const session = await (await fetch('/api/portal/session')).json();
        const headers = { 'Content-Type': 'application/json', 'X-CSRF-Token': session.csrfToken };
        return [
          (await fetch(`/api/portal/invoices/${invoiceId}`)).status,
          (await fetch(`/api/portal/payments/${paymentId}`)).status,
          (await fetch(`/api/portal/receipts/${paymentId}`)).status,
          (await fetch(`/api/portal/payments/${paymentId}/refresh`, { method: 'POST', headers })).status,
          (await fetch('/api/portal/payments', { method: 'POST', headers, body: JSON.stringify({ invoiceIds: [invoiceId], methodType: 'card' }) })).status,
        ];
      },
      { invoiceId: yInv.id, paymentId: yPayment.id },
    );
    expect(statuses).toEqual([404, 404, 404, 404, 404]);
  });

  it('works at phone width: the list with a selection and the pay dialog as a sheet', async () => {
    await makeInvoice(p.inst.scope, p.client.id, { total: 12_000, number: 'INV-2011' });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${app.url}/portal/invoices`);
    await page.getByRole('checkbox', { name: /Select invoice INV-2011/ }).check();
    await page.getByRole('button', { name: /Pay selected \(1\)/ }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
    await viewportShot(page, '18-phone-list');
    await page.getByRole('button', { name: /Pay selected \(1\)/ }).click();
    await dialog().getByRole('heading', { name: 'Pay invoice INV-2011' }).waitFor();
    await viewportShot(page, '19-phone-dialog');
    await page.keyboard.press('Escape');
    await dialog().waitFor({ state: 'detached' });
    await page.setViewportSize({ width: 1280, height: 860 });
    expect(consoleErrors).toEqual([]);
  });
});
