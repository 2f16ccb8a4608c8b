// In Chromium, against the real server with the demo data: a technician signs in to /app and sees
// the clients list; a client contact signs in to /portal and sees their invoices; both sign out.
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CLIENTS, DEMO_LOGINS } from '../../server/demo/seed-demo';
import { chromiumAvailable, openBrowser, screenshot } from '../support/browser';
import { startTestApp, type TestApp } from '../support/test-app';

let app: TestApp;
let browser: BrowserContext;

beforeAll(async () => {
  if (!chromiumAvailable) return;
  app = await startTestApp({ seed: true });
  browser = await openBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe.skipIf(!chromiumAvailable)('browser sign-in', () => {
  it('a technician signs in to /app, sees the clients list, and signs out', async () => {
    const page = await browser.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    await page.goto(`${app.url}/app/`);
    await page.getByLabel('Email').fill(DEMO_LOGINS.technician.email);
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/don.t match|incorrect/i);
    await screenshot(page, 'app-login-error');

    await page.getByLabel('Password').fill(DEMO_LOGINS.technician.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor(); // /app lands on the dashboard
    await page.getByRole('link', { name: 'Clients', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Clients' }).waitFor();
    for (const c of DEMO_CLIENTS) await page.getByText(c.name, { exact: true }).first().waitFor();
    await expect.poll(() => page.getByText('Northwind IT').count()).toBeGreaterThan(0);
    await screenshot(page, 'app-clients');

    await page.getByText(DEMO_CLIENTS[1].name, { exact: true }).first().click();
    await page.getByRole('heading', { level: 1, name: DEMO_CLIENTS[1].name }).waitFor();
    await page.getByRole('link', { name: 'Invoices', exact: true }).click();
    await page.getByText('INV-1005').first().waitFor();
    await page.getByRole('columnheader', { name: 'Latest payment' }).waitFor();
    await page.getByText(/check · /).first().waitFor(); // INV-1005 was partly paid by check
    await screenshot(page, 'app-client');

    await page.reload();
    await page.getByRole('heading', { level: 1, name: DEMO_CLIENTS[1].name }).waitFor(); // session survives a reload
    await page.getByRole('button', { name: 'Sign out' }).first().click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(consoleErrors.filter((e) => !/401/.test(e))).toEqual([]);
    await page.close();
  });

  it('a client contact signs in to /portal, sees only their invoices, and signs out', async () => {
    const page = await browser.newPage();
    await page.goto(`${app.url}/portal/`);
    await screenshot(page, 'portal-login');
    await page.getByLabel('Email').fill(DEMO_CLIENTS[0].email);
    await page.getByLabel('Password').fill(DEMO_LOGINS.clientPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Invoices' }).waitFor();
    await page.getByText('INV-1002').first().waitFor(); // Contoso's overdue invoice
    expect(await page.getByText('INV-1005').count()).toBe(0); // Fabrikam's invoice is not visible
    await expect.poll(() => page.getByText(/Overdue/).count()).toBeGreaterThan(0);
    await screenshot(page, 'portal-invoices');

    await page.getByText('INV-1002').first().click();
    await page.getByRole('heading', { level: 1, name: /INV-1002/ }).waitFor();
    await screenshot(page, 'portal-invoice');

    await page.getByRole('button', { name: 'Sign out' }).first().click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.close();
  });

  it('a portal session ending sends the user back to sign in with an explanation', async () => {
    const page = await browser.newPage();
    await page.goto(`${app.url}/portal/`);
    await page.getByLabel('Email').fill(DEMO_CLIENTS[2].email);
    await page.getByLabel('Password').fill(DEMO_LOGINS.clientPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Invoices' }).waitFor();
    await app.db.database.knex('sessions').where({ kind: 'portal' }).delete();
    await page.getByRole('tab', { name: /All/ }).or(page.getByRole('link', { name: /^All/ })).or(page.getByRole('button', { name: /^All/ })).first().click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await expect.poll(() => page.getByText(/session has expired/i).count()).toBeGreaterThan(0);
    await page.close();
  });
});
