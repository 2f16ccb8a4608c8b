// In Chromium, against the real server and the Stripe emulator: an MSP admin installs Settle from the
// marketplace, lands in the setup wizard, is refused a secret key, is told exactly which permissions a
// restricted key lacks, denies and then approves "Connect with Stripe" on the emulator's authorize
// page, sets payment methods and the autopay policy, and reaches the summary. Test mode is visible
// throughout; the wizard is also checked at phone width.
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InstallationScope } from '../../server/db/tenant-scope';
import { signMarketplaceParams } from '../../server/installations/marketplace-signature';
import { REQUIRED_PERMISSIONS } from '../../server/stripe/required-permissions';
import { chromiumAvailable, openBrowser, screenshot as saveScreenshot } from '../support/browser';
import { makeClient, makeStaffUser } from '../support/factories';
import { startTestApp, TEST_MARKETPLACE_SECRET, type TestApp } from '../support/test-app';

let app: TestApp;
let browser: BrowserContext;

const installParams = {
  tenant_id: 'psa-tenant-wizard',
  tenant_name: 'Wizard MSP',
  user_id: 'psa-owner-1',
  user_email: 'owner@wizard-msp.example',
  user_name: 'Wanda Owner',
};

function installLink(): string {
  const params = { ...installParams, timestamp: String(Math.floor(app.clock.now().getTime() / 1000)) };
  const signed = { ...params, signature: signMarketplaceParams('install', params, TEST_MARKETPLACE_SECRET) };
  return `${app.url}/marketplace/install?${new URLSearchParams(signed).toString()}`;
}

/** A restricted key in the emulator, for the account of `secretKey`, with only `permissions`. */
async function restrictedKey(secretKey: string, permissions: string[]): Promise<{ key: string; publishableKey: string }> {
  const emulator = app.emulator!.url;
  const keys = (await (await fetch(`${emulator}/_emulator/accounts/keys`, { headers: { authorization: `Bearer ${secretKey}` } })).json()) as {
    publishable_key: string;
  };
  const res = await fetch(`${emulator}/_emulator/restricted_keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ permissions }),
  });
  return { key: ((await res.json()) as { key: string }).key, publishableKey: keys.publishable_key };
}

/** From the top: a full-page capture taken while scrolled paints sticky bars mid-page. */
async function screenshot(page: Page, name: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await saveScreenshot(page, name);
}

/** A full-page screenshot at phone width, then back to the desktop viewport. */
async function phoneScreenshot(page: Page, name: string): Promise<void> {
  const desktop = page.viewportSize();
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
  await screenshot(page, name);
  if (desktop) await page.setViewportSize(desktop);
}

const stepHeading = (page: Page, name: string) => page.getByRole('heading', { level: 2, name, exact: true });

beforeAll(async () => {
  if (!chromiumAvailable) return;
  app = await startTestApp({ stripeEmulator: true, realPublicUrl: true });
  browser = await openBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe.skipIf(!chromiumAvailable)('setup wizard', () => {
  it('installs, connects Stripe through OAuth, sets payment methods and autopay, and shows the summary', async () => {
    const page = await browser.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && consoleErrors.push(m.text()));
    const failedResponses: string[] = [];
    page.on('response', (r) => r.status() >= 400 && failedResponses.push(`${r.status()} ${new URL(r.url()).pathname}`));

    // Marketplace install → signed in as the admin, in the wizard, Stripe not connected.
    await page.goto(installLink());
    await page.getByRole('heading', { level: 1, name: 'Set up Settle' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/app/setup');
    await stepHeading(page, 'Connect Stripe').waitFor();
    await page.locator('.topbar').getByText('Stripe not connected').waitFor();
    await page.getByRole('link', { name: 'Setup' }).waitFor(); // admins see it in the navigation
    const installation = (await app.db.database.knex('installations').where({ psa_tenant_ref: installParams.tenant_id }).first('id')) as { id: string };
    const scope = new InstallationScope(app.db.database.knex, installation.id);
    await screenshot(page, 'setup-1-connect');

    // Until Stripe is connected, the clients page asks the admin to finish setting up.
    await page.getByRole('link', { name: 'Clients', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Clients' }).waitFor();
    await screenshot(page, 'setup-0-clients-banner');
    await page.getByRole('link', { name: 'Finish setting up Settle' }).click();
    await stepHeading(page, 'Connect Stripe').waitFor();

    // A full secret key is refused with the server's explanation, and cleared from the form.
    const rkInput = page.getByLabel('Restricted key', { exact: true });
    const pkInput = page.getByLabel('Publishable key', { exact: true });
    expect(await rkInput.getAttribute('type')).toBe('password');
    expect(await pkInput.getAttribute('type')).toBe('password');
    await rkInput.fill('sk_test_abcdefghijklmnop');
    await pkInput.fill('pk_test_abcdefghijklmnop');
    await page.getByRole('button', { name: 'Test and connect' }).click();
    const refusal = page.getByRole('alert').filter({ hasText: 'Settle doesn’t accept secret keys' });
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/never accepts secret keys.*restricted key/);
    expect(await rkInput.inputValue()).toBe('');
    await screenshot(page, 'setup-1-secret-key-refused');

    // A restricted key lacking permissions: exactly the missing ones, as a checklist.
    const granted = ['rak_customer_write', 'rak_payment_intent_write', 'rak_event_read', 'rak_mandate_read', 'rak_dispute_read'];
    const partial = await restrictedKey('sk_test_wizard_partial_permissions', granted);
    await rkInput.fill(partial.key);
    await pkInput.fill(partial.publishableKey);
    await page.getByRole('button', { name: 'Test and connect' }).click();
    const missing = page.getByRole('alert').filter({ hasText: 'This key is missing 4 permissions' });
    await missing.waitFor();
    const items = (await missing.getByRole('listitem').allTextContents()).map((t) => t.split(' — ')[0]);
    const expected = REQUIRED_PERMISSIONS.filter((p) => !granted.includes(p.id)).map((p) => p.label);
    expect(items.sort()).toEqual(expected.sort());
    expect(await page.content()).not.toContain(partial.key); // never echoed back
    expect(await scope.from('stripe_connections').first()).toBeUndefined();
    await screenshot(page, 'setup-1-missing-permissions');
    await phoneScreenshot(page, 'setup-1-missing-permissions-390');

    // Connect with Stripe, then Deny on Stripe's page: explained, both options offered again.
    await page.getByRole('button', { name: 'Connect with Stripe' }).click();
    await page.waitForURL((url) => url.href.startsWith(app.emulator!.url));
    await page.getByRole('button', { name: 'Deny' }).click();
    await page.waitForURL(/\/app\/setup\?stripe=denied$/);
    await page.getByRole('alert').filter({ hasText: 'Stripe access wasn’t granted' }).waitFor();
    await page.getByRole('button', { name: 'Connect with Stripe' }).waitFor();
    await page.getByRole('button', { name: 'Test and connect' }).waitFor();
    await screenshot(page, 'setup-1-denied');

    // Connect with Stripe → the emulator's authorize page → Connect → back in the wizard, step 2.
    await page.getByRole('button', { name: 'Connect with Stripe' }).click();
    await page.waitForURL((url) => url.href.startsWith(app.emulator!.url));
    await screenshot(page, 'setup-1-stripe-authorize');
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await page.waitForURL(/\/app\/setup\?stripe=connected$/);
    await stepHeading(page, 'Payment methods').waitFor();
    const connection = (await scope.from('stripe_connections').whereNot('status', 'disconnected').first()) as { account_id: string; mode: string; livemode: boolean };
    expect(connection).toMatchObject({ mode: 'oauth', livemode: false });
    const confirmation = page.getByRole('status').filter({ hasText: 'Stripe is connected' });
    await confirmation.waitFor();
    expect(await confirmation.textContent()).toContain(connection.account_id);
    expect(await confirmation.textContent()).toContain('test mode');
    // Test mode, unmissable: the amber bar above the top bar and the badge in it.
    await page.getByRole('note', { name: 'Stripe test mode' }).waitFor();
    expect(await page.getByRole('note', { name: 'Stripe test mode' }).textContent()).toContain('no real money moves');
    await page.locator('.topbar').getByText('Test mode').waitFor();
    await screenshot(page, 'setup-2-methods');
    await phoneScreenshot(page, 'setup-2-methods-390');

    // Step 2: ACH on (USD), run time 08:30, retries 3, 5, 7, at most $5,000.00, tolerance $5.00.
    const ach = page.getByLabel('ACH Direct Debit (US bank accounts)', { exact: true });
    expect(await ach.isEnabled()).toBe(true);
    await ach.check();
    expect(await page.getByLabel('Cards', { exact: true }).isChecked()).toBe(true);
    await page.getByLabel('Daily run time', { exact: true }).fill('08:30');
    const retries = page.getByLabel('Retry declined cards after (days)', { exact: true });
    await retries.fill('7, 5');
    await page.getByLabel('Maximum autopay amount', { exact: true }).fill('5,000.00');
    await page.getByLabel('Underpayment tolerance', { exact: true }).fill('5.00');
    await page.getByRole('button', { name: 'Save and continue' }).click();
    // A schedule that goes down is refused next to its field, which gets focus.
    await expect.poll(() => page.getByText('Days must go up, e.g. 3, 5, 7.').count()).toBe(1);
    expect(await retries.getAttribute('aria-invalid')).toBe('true');
    expect(await retries.evaluate((el) => el === document.activeElement)).toBe(true);
    const describedBy = (await retries.getAttribute('aria-describedby'))!.split(' ');
    expect(await page.locator(`[id="${describedBy[0]}"]`).textContent()).toBe('Days must go up, e.g. 3, 5, 7.');
    await screenshot(page, 'setup-2-methods-error');
    await retries.fill('3, 5, 7');
    await page.getByRole('button', { name: 'Save and continue' }).click();

    // Step 3: mapping status (two clients arrived from the PSA meanwhile).
    await makeClient(scope, { name: 'Alpine Dental' });
    await makeClient(scope, { name: 'Birch Legal' });
    await stepHeading(page, 'Client mapping').waitFor();
    const stored = (await app.db.database.knex('installations').where({ id: installation.id }).first('settings')) as { settings: unknown };
    const settings = (typeof stored.settings === 'string' ? JSON.parse(stored.settings) : stored.settings) as Record<string, any>;
    expect(settings).toMatchObject({
      paymentMethods: { card: true, usBankAccount: true },
      autopay: { runAt: '08:30', retryScheduleDays: [3, 5, 7], maxAmount: 500000 },
      underpaymentTolerance: 500,
    });
    await page.reload(); // counts now include the two clients
    await stepHeading(page, 'Client mapping').waitFor();
    await page.getByRole('region', { name: 'Unmapped' }).getByText('2', { exact: true }).waitFor();
    await page.getByRole('link', { name: 'Open client mapping' }).waitFor();
    await screenshot(page, 'setup-3-mapping');
    await page.getByRole('button', { name: 'Finish mapping later' }).click();

    // Step 4: the summary in words, and webhook health.
    await stepHeading(page, 'Done').waitFor();
    const summary = page.getByRole('region', { name: 'Summary' });
    await summary.getByText(connection.account_id).waitFor();
    const text = (await summary.textContent())!;
    expect(text).toContain('Test mode');
    expect(text).toContain('Cards and ACH Direct Debit');
    expect(text).toContain('daily run at 08:30 (America/New York time)');
    expect(text).toContain('retried 3, 5 and 7 days after the first failure');
    expect(text).toContain('Invoices over $5,000.00 are never charged automatically');
    expect(text).toContain('up to $5.00 short');
    expect(text).toContain('0 mapped · 2 unmapped · 0 ignored');
    const webhooks = page.getByRole('region', { name: 'Webhook health' });
    await webhooks.getByText('Enabled', { exact: true }).waitFor();
    await screenshot(page, 'setup-4-done');
    await phoneScreenshot(page, 'setup-4-done-390');

    // The clients page no longer asks to finish setup.
    await page.getByRole('link', { name: 'Go to clients' }).click();
    await page.getByRole('heading', { level: 1, name: 'Clients' }).waitFor();
    await page.getByText('Alpine Dental').first().waitFor();
    expect(await page.getByText('Finish setting up Settle').count()).toBe(0);
    expect(consoleErrors).toEqual([]);
    // Only the two refused keys failed; nothing else the wizard asked for.
    expect(failedResponses.filter((r) => !r.endsWith('/favicon.ico'))).toEqual([
      '400 /api/app/stripe/connection/restricted-key',
      '422 /api/app/stripe/connection/restricted-key',
    ]);
    await page.close();
  }, 120_000);

  it('fits a 390px phone, and shows technicians the wizard read-only', async () => {
    const phone = await openBrowser({ viewport: { width: 390, height: 844 } });
    try {
      const installation = (await app.db.database.knex('installations').where({ psa_tenant_ref: installParams.tenant_id }).first('id')) as { id: string };
      const scope = new InstallationScope(app.db.database.knex, installation.id);
      const tech = await makeStaffUser(scope, { role: 'technician' });
      const page = await phone.newPage();
      const failed: string[] = [];
      page.on('response', (r) => r.status() >= 400 && !r.url().endsWith('/favicon.ico') && failed.push(`${r.status()} ${new URL(r.url()).pathname}`));
      await page.goto(`${app.url}/app/login`);
      await page.getByLabel('Email', { exact: true }).fill(tech.email);
      await page.getByLabel('Password', { exact: true }).fill(tech.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor(); // /app lands on the dashboard
      await page.getByRole('link', { name: 'Clients', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Clients' }).waitFor();
      expect(await page.getByRole('link', { name: 'Setup' }).count()).toBe(0);
      await page.getByRole('note', { name: 'Stripe test mode' }).waitFor();

      await page.goto(`${app.url}/app/setup?step=methods`);
      await stepHeading(page, 'Payment methods').waitFor();
      await page.getByText('only an admin can change it').waitFor();
      expect(await page.getByLabel('Daily run time', { exact: true }).inputValue()).toBe('08:30');
      expect(await page.getByLabel('Maximum autopay amount', { exact: true }).inputValue()).toBe('5,000.00');
      expect(await page.getByLabel('Daily run time', { exact: true }).isDisabled()).toBe(true);
      expect(await page.getByRole('button', { name: 'Save and continue' }).count()).toBe(0);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await screenshot(page, 'setup-2-methods-390-technician');

      await page.goto(`${app.url}/app/setup?step=connect`);
      await page.getByTestId('stripe-account-id').waitFor();
      expect(await page.getByRole('button', { name: 'Disconnect Stripe' }).count()).toBe(0);
      await screenshot(page, 'setup-1-connected-390-technician');

      await page.goto(`${app.url}/app/setup?step=done`);
      await stepHeading(page, 'Done').waitFor();
      await page.getByText('Managed by an admin').waitFor();
      expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
      await screenshot(page, 'setup-4-done-390-technician');
      // Signed out, the session probe answers 401; signed in, technicians never ask for admin-only APIs.
      expect(failed).toEqual(['401 /api/app/session']);
      await page.close();
    } finally {
      await phone.close();
    }
  }, 60_000);

  it('an admin disconnects Stripe after confirming, and the shell says so at once', async () => {
    const page = await browser.newPage(); // the admin's browser from the first test
    await page.goto(`${app.url}/app/setup?step=connect`);
    await page.getByTestId('stripe-account-id').waitFor();
    await page.getByRole('button', { name: 'Disconnect Stripe' }).click();
    const dialog = page.getByRole('dialog', { name: 'Disconnect Stripe?' });
    await dialog.waitFor();
    await screenshot(page, 'setup-1-disconnect-dialog');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('note', { name: 'Stripe test mode' }).waitFor(); // still connected

    await page.getByRole('button', { name: 'Disconnect Stripe' }).click();
    await dialog.getByRole('button', { name: 'Disconnect', exact: true }).click();
    await page.getByRole('button', { name: 'Connect with Stripe' }).waitFor();
    await page.locator('.topbar').getByText('Stripe not connected').waitFor();
    expect(await page.getByRole('note', { name: 'Stripe test mode' }).count()).toBe(0);
    const active = await app.db.database.knex('stripe_connections').where({ status: 'active' }).first();
    expect(active).toBeUndefined();
    await page.close();
  }, 60_000);
});
