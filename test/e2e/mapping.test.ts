// In Chromium, against the real server and the Stripe emulator: an admin imports Stripe customers
// (live progress bar), reviews suggestions with confidence and reason, accepts in bulk, searches
// for a customer, ignores a client, creates a customer, and follows the Stripe dashboard link.
// E2E_WEB_ROOT points at another build of the apps (default: dist/).
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, openBrowser, screenshot } from '../support/browser';
import { makeInstallation, makeStaffUser } from '../support/factories';
import { connectStripe, createCustomers } from '../support/mapping';
import { startTestApp, type TestApp } from '../support/test-app';

let app: TestApp;
let browser: BrowserContext;

beforeAll(async () => {
  if (!chromiumAvailable) return;
  app = await startTestApp({ stripeEmulator: true, ...(process.env.E2E_WEB_ROOT ? { webRoot: process.env.E2E_WEB_ROOT } : {}) });
  browser = await openBrowser({ viewport: { width: 1360, height: 900 } });
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe.skipIf(!chromiumAvailable)('client mapping in the browser', () => {
  it('imports, suggests, accepts, overrides, ignores and creates', async () => {
    const inst = await makeInstallation(app.db.database.knex, { name: 'Northwind IT' });
    const { stripe } = await connectStripe(app.runtime.ctx, inst.scope);
    const admin = await makeStaffUser(inst.scope, { role: 'admin' });
    await createCustomers(stripe, [
      { name: 'Contoso Dental Group LLC', email: 'ap@contoso.example' },
      { name: 'Accounts Payable', email: 'accounts@fabrikam.example' },
      { name: 'Café Müller GmbH', email: 'hallo@gmail.com' },
      { name: 'Adatum Corporation', email: 'finance@adatum.example' },
      { name: 'Adatum Corp (old)', email: 'old@adatum.example' },
      { name: 'Tailspin Toys', email: 'billing@tailspin.example' },
      { name: 'Contoso Legal', email: 'office@contosolegal.example' },
      ...Array.from({ length: 400 }, (_, i) => ({ name: `Other Customer ${i}`, email: `x${i}@other${i}.example` })),
    ]);
    for (const [ref, name, email] of [
      ['PSA-C-1001', 'Contoso Dental Group', 'ap@contoso.example'],
      ['PSA-C-1002', 'Fabrikam, Inc.', 'owner@fabrikam.example'],
      ['PSA-C-1003', 'Cafe Muller', null],
      ['PSA-C-1004', 'Adatum', 'it@adatum.example'],
      ['PSA-C-1005', 'Tailspin Toys', 'billing@tailspin.example'],
      ['PSA-C-1006', 'Wingtip Legal Partners', 'ap@wingtip.example'],
      ['PSA-C-1007', 'Joe Plumbing', 'joe@gmail.com'],
    ] as const) await inst.scope.insert('clients', { psa_ref: ref, name, email });

    const page = await browser.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    await page.goto(`${app.url}/app/`);
    await page.getByLabel('Email').fill(admin.email);
    await page.getByLabel('Password').fill(admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor(); // /app lands on the dashboard
    await page.getByRole('link', { name: 'Clients', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Clients' }).waitFor();
    await page.getByRole('link', { name: 'Client mapping' }).click();
    await page.getByRole('heading', { level: 1, name: 'Client mapping' }).waitFor();
    await screenshot(page, 'mapping-1-before-import');

    // Slow Stripe down so the progress bar is seen moving.
    app.emulator!.control.setFaults({ latencyMs: 600 });
    await page.getByRole('button', { name: 'Start import' }).click();
    await page.getByText(/Reading Stripe customers: [1-9]/).waitFor({ timeout: 20_000 });
    await screenshot(page, 'mapping-2-importing');
    app.emulator!.control.setFaults({ latencyMs: 0 });
    await page.getByText(/^Done:/).waitFor({ timeout: 30_000 });
    await page.getByText(/Same email ap@contoso\.example/).first().waitFor();
    await screenshot(page, 'mapping-3-suggestions');

    await page.getByRole('button', { name: /Accept all/ }).click();
    await page.getByText(/clients? mapped/).waitFor();
    await screenshot(page, 'mapping-4-after-bulk-accept');

    await page.getByRole('row', { name: /Wingtip Legal Partners/ }).getByRole('button', { name: 'Choose…' }).click();
    await page.getByLabel('Search Stripe customers by name, email or id').fill('adatum');
    await page.getByRole('dialog').getByText('Adatum Corp (old)').waitFor();
    await screenshot(page, 'mapping-5-picker');
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();

    await page.getByRole('row', { name: /Joe Plumbing/ }).getByRole('button', { name: 'Ignore' }).click();
    await page.getByText('Joe Plumbing is ignored.').waitFor();
    await page.getByRole('row', { name: /Wingtip Legal Partners/ }).getByRole('button', { name: 'Create new' }).click();
    await page.getByText(/Created a Stripe customer for Wingtip/).waitFor();
    await page.getByRole('link', { name: /^Mapped/ }).click();
    await page.getByRole('row', { name: /Wingtip Legal Partners/ }).waitFor();
    await screenshot(page, 'mapping-6-mapped-tab');

    await page.getByRole('link', { name: 'Clients', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Clients' }).waitFor();
    await page.getByText('Contoso Dental Group').first().waitFor();
    await screenshot(page, 'mapping-7-clients-list');
    const links = await page.locator('a[href^="https://dashboard.stripe.com/test/customers/cus_"]').count();
    expect(links).toBeGreaterThanOrEqual(3);

    const statuses = (await inst.scope.from('clients').orderBy('psa_ref').select('psa_ref', 'mapping_status', 'mapping_source')) as Array<{ psa_ref: string; mapping_status: string; mapping_source: string | null }>;
    expect(statuses.find((s) => s.psa_ref === 'PSA-C-1001')).toMatchObject({ mapping_status: 'mapped', mapping_source: 'suggestion' });
    expect(statuses.find((s) => s.psa_ref === 'PSA-C-1006')).toMatchObject({ mapping_status: 'mapped', mapping_source: 'created' });
    expect(statuses.find((s) => s.psa_ref === 'PSA-C-1007')).toMatchObject({ mapping_status: 'ignored' });
    expect(consoleErrors.filter((e) => !/401/.test(e))).toEqual([]); // the signed-out session check answers 401
  });
});
