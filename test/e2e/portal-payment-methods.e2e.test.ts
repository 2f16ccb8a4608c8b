// In Chromium, against the real server and the Stripe emulator (its Stripe.js stand-in renders the
// Payment Element): a client contact adds a bank account under the ACH authorization, gets a wrong
// micro-deposit guess refused (attempts go down), verifies with 32/45, turns on autopay with it,
// adds a card, makes it the default, and cannot remove the autopay account while an invoice is
// scheduled. A second server whose emulator sends descriptor codes covers SM codes: a code that
// exceeds the attempts leads to "add the account again", and SM11AA verifies.
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, openBrowser, screenshot } from '../support/browser';
import { makeClient, makeInvoice, makePortalUser } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';
import { connectInstallationToEmulator } from '../support/webhook-fixtures';

const MSP_NAME = 'Northwind IT';
const LIMIT = 200_000; // $2,000.00 autopay limit

let browser: BrowserContext;

beforeAll(async () => {
  if (!chromiumAvailable) return;
  browser = await openBrowser({ viewport: { width: 1280, height: 900 } });
});
afterAll(async () => {
  await browser?.close();
});

const addDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/** An installation on the app's emulator, with a mapped client, a portal login and open invoices. */
async function prepare(app: TestApp) {
  const ctx = app.runtime.ctx;
  const inst = await connectInstallationToEmulator(ctx.db, ctx.secrets, app.emulator!);
  const settings = {
    paymentMethods: { card: true, usBankAccount: true },
    autopay: { runAt: '09:00', retryScheduleDays: [3, 5, 7], achMaxRetries: 1, maxAmount: LIMIT },
    partialPayments: { allowed: false, minimum: 0 },
    underpaymentTolerance: 0,
  };
  await ctx.db('installations').where({ id: inst.id }).update({ name: MSP_NAME, settings: JSON.stringify(settings) });
  const client = await makeClient(inst.scope, { name: 'Contoso Dental Group' });
  const customer = await inst.stripe.customers.create({ name: client.name });
  await inst.scope.from('clients').where({ id: client.id }).update({ stripe_customer_id: customer.id, mapping_status: 'mapped' });
  const user = await makePortalUser(inst.scope, client.id);
  const small = await makeInvoice(inst.scope, client.id, { total: 125_000, dueDate: addDays(12), number: 'INV-2001' });
  const large = await makeInvoice(inst.scope, client.id, { total: 350_000, dueDate: addDays(20), number: 'INV-2002' });
  return { inst, client, user, invoices: { small, large } };
}

async function signIn(page: Page, app: TestApp, user: { email: string; password: string }) {
  await page.goto(`${app.url}/portal/`);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Invoices' }).waitFor();
}

/** The ACH step, then the Payment Element's bank fields (the stand-in renders them in the page). */
async function addBankAccount(page: Page, shots: { prefix: string } | null, options: { alreadyThere?: boolean } = {}) {
  if (!options.alreadyThere) await page.getByRole('link', { name: 'Add a bank account' }).first().click();
  await page.getByRole('heading', { level: 1, name: 'Add a bank account' }).waitFor();
  await page.getByRole('region', { name: 'Bank debit authorization' }).getByText(`you authorize ${MSP_NAME} to debit`).waitFor();
  if (shots) {
    // Continuing without the authorization is refused next to the checkbox, which gets focus.
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByText('Tick the box to authorize the debits').waitFor();
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.type)).toBe('checkbox');
    await screenshot(page, `${shots.prefix}-bank-1-mandate-required`);
  }
  await page.getByLabel(`I authorize ${MSP_NAME} to debit my bank account as described above.`).check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('heading', { name: 'Bank account details' }).waitFor();
  await page.getByLabel('Account holder name', { exact: true }).fill('Dana Reyes');
  await page.getByLabel('Routing number', { exact: true }).fill('110000000');
  await page.getByLabel('Account number', { exact: true }).fill('000123456789');
  await page.getByLabel('Account holder type', { exact: true }).selectOption('company');
  if (shots) await screenshot(page, `${shots.prefix}-bank-2-details`);
  await page.getByRole('button', { name: 'Save bank account' }).click();
  await page.getByRole('heading', { level: 1, name: /^Verify / }).waitFor({ timeout: 15_000 });
}

const activeLabel = (page: Page) => page.evaluate(() => document.activeElement?.id && document.querySelector(`label[for="${document.activeElement.id}"]`)?.textContent);

describe.skipIf(!chromiumAvailable)('portal payment methods and autopay in the browser', () => {
  it('bank account with micro-deposit amounts, autopay, a card, default, and a refused removal', async () => {
    const app = await startTestApp({ stripeEmulator: { microdepositType: 'amounts', bankSettlementDelayMs: 50 } });
    try {
      const { user } = await prepare(app);
      const page = await browser.newPage();
      const consoleErrors: string[] = [];
      // The answers the flow expects (session probe 401, mismatch 422, removal refused 409) are logged by Chromium too.
      page.on('console', (m) => m.type() === 'error' && !/status of (401|409|422)\b/.test(m.text()) && consoleErrors.push(m.text()));
      page.on('pageerror', (e) => consoleErrors.push(e.message));
      await signIn(page, app, user);

      // Empty state invites adding a method.
      await page.getByRole('link', { name: 'Payment methods' }).click();
      await page.getByRole('heading', { level: 1, name: 'Payment methods' }).waitFor();
      await page.getByText('No saved payment methods yet').waitFor();
      await screenshot(page, 'pm-01-empty');

      // Bank account: authorization, details, then the micro-deposit page.
      await addBankAccount(page, { prefix: 'pm-02' });
      await page.getByRole('heading', { level: 1, name: 'Verify STRIPE TEST BANK •••• 6789' }).waitFor();
      await page.getByText('Two small deposits are on their way').waitFor();
      await page.getByText('Bank account saved').waitFor();
      const attempts = page.locator('dt:text("Attempts left") + dd');
      expect(await attempts.textContent()).toBe('3');
      await screenshot(page, 'pm-03-verify');

      // Nothing entered: errors tied to the fields, focus on the first one.
      await page.getByRole('button', { name: 'Verify bank account' }).click();
      await page.getByText('Enter the first deposit in cents.').waitFor();
      expect(await activeLabel(page)).toBe('First deposit (cents)');
      const firstDescribedBy = await page.getByLabel('First deposit (cents)').getAttribute('aria-describedby');
      expect(firstDescribedBy).toBeTruthy();
      expect(await page.locator(`[id="${firstDescribedBy!.split(' ')[1]}"]`).textContent()).toBe('Enter the first deposit in cents.');

      // Wrong amounts: refused, attempts go down.
      await page.getByLabel('First deposit (cents)').fill('12');
      await page.getByLabel('Second deposit (cents)').fill('34');
      await page.getByRole('button', { name: 'Verify bank account' }).click();
      await page.getByRole('alert').getByText(/do not match.*2 attempts left/).waitFor();
      await expect.poll(() => attempts.textContent()).toBe('2');
      await screenshot(page, 'pm-04-verify-mismatch');

      // Leave and come back: the list says what is pending and offers "Verify".
      await page.getByRole('link', { name: 'Do this later' }).click();
      const pendingRow = page.getByRole('listitem').filter({ hasText: 'STRIPE TEST BANK •••• 6789' });
      await pendingRow.getByText('Awaiting verification', { exact: true }).waitFor();
      expect(await pendingRow.getByRole('button', { name: /Set .* as default/ }).count()).toBe(0);
      await screenshot(page, 'pm-04b-pending-in-list');
      await pendingRow.getByRole('link', { name: 'Verify STRIPE TEST BANK •••• 6789' }).click();
      await page.getByRole('heading', { level: 1, name: 'Verify STRIPE TEST BANK •••• 6789' }).waitFor();
      await expect.poll(() => attempts.textContent()).toBe('2');

      await page.getByLabel('First deposit (cents)').fill('32');
      await page.getByLabel('Second deposit (cents)').fill('45');
      await page.getByRole('button', { name: 'Verify bank account' }).click();
      await page.getByRole('heading', { level: 1, name: 'Payment methods' }).waitFor();
      await page.getByText('STRIPE TEST BANK •••• 6789 is verified and ready to use.').waitFor();
      const bankRow = page.getByRole('listitem').filter({ hasText: 'STRIPE TEST BANK •••• 6789' });
      await bankRow.getByText('Verified', { exact: true }).waitFor();
      await screenshot(page, 'pm-05-verified');

      // Autopay with the verified account; the invoice above the limit is marked.
      await page.getByRole('link', { name: 'Turn on autopay' }).click();
      await page.getByRole('heading', { level: 1, name: 'Autopay' }).waitFor();
      await page.getByRole('heading', { name: 'Autopay is off' }).waitFor();
      await screenshot(page, 'pm-06-autopay-off');
      await page.getByRole('button', { name: 'Turn on autopay' }).click();
      await page.getByText('Tick the box to authorize automatic charges.').waitFor();
      await page.getByRole('radio', { name: /STRIPE TEST BANK •••• 6789/ }).check();
      await page.getByLabel('I agree to the autopay authorization above.').check();
      await page.getByRole('button', { name: 'Turn on autopay' }).click();
      await page.getByRole('heading', { name: 'Autopay is on' }).waitFor();
      await page.getByText(/Autopay is on\. Invoices will be charged to STRIPE TEST BANK •••• 6789/).waitFor();
      await page.getByRole('row', { name: /INV-2001/ }).getByText(/^Will be charged on /).waitFor();
      await page.getByRole('row', { name: /INV-2002/ }).getByText('Above the $2,000.00 autopay limit — pay it manually').waitFor();
      await screenshot(page, 'pm-07-autopay-on');

      // A card through the Payment Element.
      await page.getByRole('link', { name: 'Payment methods' }).click();
      await page.getByRole('link', { name: 'Add a card' }).click();
      await page.getByRole('heading', { level: 1, name: 'Add a card' }).waitFor();
      await page.getByLabel('Card number', { exact: true }).fill('4242 4242 4242 4242');
      await page.getByLabel('Expiration date', { exact: true }).fill('12 / 34');
      await page.getByLabel('Security code', { exact: true }).fill('123');
      await screenshot(page, 'pm-08-add-card');
      await page.getByRole('button', { name: 'Save card' }).click();
      await page.getByText('Visa •••• 4242 was saved.').waitFor({ timeout: 15_000 });
      const cardRow = page.getByRole('listitem').filter({ hasText: 'Visa •••• 4242' });
      await cardRow.getByText('Expires 12/2034').waitFor();
      await screenshot(page, 'pm-09-two-methods');

      // Make the card the default.
      await cardRow.getByRole('button', { name: 'Set Visa •••• 4242 as default' }).click();
      await page.getByText('Visa •••• 4242 is now your default payment method.').waitFor();
      await cardRow.getByText('Default', { exact: true }).waitFor();
      await bankRow.getByText('Autopay', { exact: true }).waitFor();
      await screenshot(page, 'pm-10-card-default');

      // Removing the autopay account while an invoice is scheduled is refused, with a way out.
      const removeBank = bankRow.getByRole('button', { name: 'Remove STRIPE TEST BANK •••• 6789' });
      await removeBank.click();
      const dialog = page.getByRole('dialog', { name: 'Remove STRIPE TEST BANK •••• 6789?' });
      await dialog.waitFor();
      await dialog.getByText('This is your autopay method: autopay stops if you remove it.').waitFor();
      await dialog.getByRole('button', { name: 'Remove' }).click();
      await dialog.getByRole('alert').getByText('It can’t be removed yet').waitFor();
      await dialog.getByRole('alert').getByText(/This is your autopay method and payments are scheduled/).waitFor();
      await dialog.getByRole('link', { name: 'Go to Autopay' }).waitFor();
      expect(await dialog.getByRole('button', { name: 'Remove' }).count()).toBe(0);
      await screenshot(page, 'pm-11-remove-refused');
      // Escape closes the dialog and focus returns to the button that opened it.
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
      await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Remove STRIPE TEST BANK •••• 6789');

      // The way out: move autopay to the card, then the bank account can go.
      await removeBank.click();
      await dialog.getByRole('button', { name: 'Remove' }).click();
      await dialog.getByRole('link', { name: 'Go to Autopay' }).click();
      await page.getByRole('heading', { level: 1, name: 'Autopay' }).waitFor();
      await page.getByRole('button', { name: 'Change payment method' }).click();
      await page.getByRole('radio', { name: /Visa •••• 4242/ }).check();
      await page.getByLabel('I agree to the autopay authorization above.').check();
      await screenshot(page, 'pm-12-autopay-change');
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page.getByText('Autopay now charges Visa •••• 4242.').waitFor();
      await page.getByRole('link', { name: 'Payment methods' }).click();
      await page.getByRole('button', { name: 'Remove STRIPE TEST BANK •••• 6789' }).click();
      await dialog.getByRole('button', { name: 'Remove' }).click();
      await page.getByText('STRIPE TEST BANK •••• 6789 was removed.').waitFor();
      await page.getByRole('listitem').filter({ hasText: 'Visa •••• 4242' }).getByText('Autopay', { exact: true }).waitFor();
      // The list reloads after the removal: wait for the row to go rather than reading it mid-reload.
      await page.getByRole('listitem').filter({ hasText: 'STRIPE TEST BANK' }).first().waitFor({ state: 'detached' });
      expect(await page.getByRole('listitem').filter({ hasText: 'STRIPE TEST BANK' }).count()).toBe(0);
      await screenshot(page, 'pm-13-bank-removed');

      // Narrow screens: the same pages stay readable.
      await page.setViewportSize({ width: 390, height: 844 });
      await screenshot(page, 'pm-14-narrow-list');
      await page.getByRole('link', { name: 'Autopay' }).click();
      await page.getByRole('heading', { level: 1, name: 'Autopay' }).waitFor();
      await screenshot(page, 'pm-15-narrow-autopay');

      expect(consoleErrors).toEqual([]);
      await page.close();
    } finally {
      await app.close();
    }
  }, 120_000);

  it('descriptor code: too many wrong codes lead to adding the account again, then SM11AA verifies', async () => {
    const app = await startTestApp({ stripeEmulator: { microdepositType: 'descriptor_code', bankSettlementDelayMs: 50 } });
    try {
      const { user } = await prepare(app);
      const page = await browser.newPage();
      const consoleErrors: string[] = [];
      page.on('pageerror', (e) => consoleErrors.push(e.message));
      await signIn(page, app, user);
      await page.getByRole('link', { name: 'Payment methods' }).click();
      await page.getByRole('heading', { level: 1, name: 'Payment methods' }).waitFor();

      await addBankAccount(page, null);
      await page.getByText('A $0.01 deposit is on its way').waitFor();
      await page.getByText('From your bank statement, e.g. SM11AA').waitFor();
      await screenshot(page, 'pm-20-verify-code');

      // Not the right shape: refused before reaching Stripe, tied to the field.
      await page.getByLabel('Code from the deposit description').fill('AB12');
      await page.getByRole('button', { name: 'Verify bank account' }).click();
      await page.getByText('The code has 6 characters and starts with SM, like SM11AA.').waitFor();
      expect(await activeLabel(page)).toBe('Code from the deposit description');

      // SM33CC makes the emulator report the attempts as exceeded.
      await page.getByLabel('Code from the deposit description').fill('SM33CC');
      await page.getByRole('button', { name: 'Verify bank account' }).click();
      await page.getByText('This bank account can’t be verified any more').waitFor();
      await screenshot(page, 'pm-21-attempts-exceeded');
      await page.getByRole('button', { name: 'Add the account again' }).click();

      await addBankAccount(page, null, { alreadyThere: true });
      await page.getByLabel('Code from the deposit description').fill('sm11aa');
      await page.getByRole('button', { name: 'Verify bank account' }).click();
      await page.getByText('STRIPE TEST BANK •••• 6789 is verified and ready to use.').waitFor();
      await page.getByRole('listitem').filter({ hasText: 'Verification failed' }).waitFor();
      await screenshot(page, 'pm-22-code-verified');

      // A card Stripe refuses: the reason is shown next to the form, which stays usable.
      await page.getByRole('link', { name: 'Add a card' }).click();
      await page.getByLabel('Card number', { exact: true }).fill('4000 0000 0000 9995');
      await page.getByLabel('Expiration date', { exact: true }).fill('12 / 34');
      await page.getByLabel('Security code', { exact: true }).fill('123');
      await page.getByRole('button', { name: 'Save card' }).click();
      await page.getByRole('alert').getByText(/Try another card, or contact your bank\./).waitFor({ timeout: 15_000 });
      await screenshot(page, 'pm-23-card-declined');
      await page.getByLabel('Card number', { exact: true }).fill('4242 4242 4242 4242');
      await page.getByRole('button', { name: 'Save card' }).click();
      await page.getByText('Visa •••• 4242 was saved.').waitFor({ timeout: 15_000 });
      expect(consoleErrors).toEqual([]);
      await page.close();
    } finally {
      await app.close();
    }
  }, 120_000);
});
