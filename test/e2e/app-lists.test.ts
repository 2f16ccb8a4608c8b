// In Chromium, against the real server with the demo data: the dashboard's numbers open the lists
// behind them with the same filters; the clients list searches and filters on the server (URL
// state, back button); pages at desktop and tablet width, with screenshots.
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_LOGINS } from '../../server/demo/seed-demo';
import { chromiumAvailable, openBrowser, screenshot as saveScreenshot } from '../support/browser';
import { startTestApp, type TestApp } from '../support/test-app';

let app: TestApp;
let browser: BrowserContext;
let page: Page;
const consoleErrors: string[] = [];

async function screenshot(name: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await saveScreenshot(page, name);
}

const noSideways = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

beforeAll(async () => {
  if (!chromiumAvailable) return;
  app = await startTestApp({ seed: true });
  browser = await openBrowser({ viewport: { width: 1360, height: 900 } });
  page = await browser.newPage();
  page.on('console', (m) => m.type() === 'error' && !/401/.test(m.text()) && consoleErrors.push(m.text()));
  await page.goto(`${app.url}/app/`);
  await page.getByLabel('Email').fill(DEMO_LOGINS.technician.email);
  await page.getByLabel('Password').fill(DEMO_LOGINS.technician.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe.skipIf(!chromiumAvailable)('technician lists in the browser', { timeout: 120_000 }, () => {
  it('dashboard numbers link to the lists behind them', async () => {
    const api = await page.evaluate(async () => (await fetch('/api/app/dashboard')).json());
    const overdue = page.getByRole('link', { name: /^Overdue: / });
    await overdue.waitFor();
    expect(await overdue.textContent()).toContain(`${api.invoices.overdue.count} invoice`);
    await page.locator('.chart canvas').waitFor(); // the chart chunk loaded
    await page.getByRole('link', { name: /collected in the last 30 days/ }).waitFor();
    await page.getByRole('table', { name: /Money collected per day/ }).count(); // visually hidden, present
    expect(await page.getByRole('status').filter({ hasText: 'Live updates' }).count()).toBe(1);
    await screenshot('app-dashboard');

    // 90 days: another request, the same page.
    await page.getByRole('button', { name: '90 days' }).click();
    await page.getByRole('link', { name: /collected in the last 90 days/ }).waitFor();

    // Overdue → the clients list filtered to overdue clients, oldest first, with the filter shown.
    await overdue.click();
    await page.getByRole('heading', { level: 1, name: 'Clients' }).waitFor();
    const url = new URL(page.url());
    expect(url.pathname).toBe('/app/clients');
    expect(url.searchParams.get('balance')).toBe('overdue');
    expect(await page.getByLabel('Balance').inputValue()).toBe('overdue');
    expect(await page.getByLabel('Sort by').inputValue()).toBe('oldest_overdue');
    const listed = await page.evaluate(async () => (await fetch('/api/app/clients?balance=overdue')).json());
    expect(listed.total).toBeGreaterThan(0);
    await expect.poll(() => page.getByRole('region', { name: 'Clients' }).getByRole('row').count()).toBe(listed.total + 1);

    // An aging bucket → clients with an invoice that late.
    await page.goBack();
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    await page.getByRole('link', { name: /Not yet due/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Clients' }).waitFor();
    expect(new URL(page.url()).searchParams.get('age')).toBe('current');
  });

  it('clients list: search and filters on the server, in the URL', async () => {
    await page.goto(`${app.url}/app/clients`);
    const region = page.getByRole('region', { name: 'Clients' });
    await region.getByRole('row').nth(1).waitFor();
    const all = await region.getByRole('row').count();
    expect(all).toBe(7); // header + six demo clients

    await page.getByRole('searchbox', { name: 'Search clients' }).fill('fabrikam');
    await expect.poll(() => region.getByRole('row').count()).toBe(2);
    expect(new URL(page.url()).searchParams.get('search')).toBe('fabrikam');
    await page.getByText('Fabrikam Logistics', { exact: true }).waitFor();

    // A filter that excludes it: the empty state offers to clear.
    await page.getByLabel('Mapping').selectOption('ignored');
    await page.getByRole('heading', { name: 'No clients match “fabrikam”' }).waitFor();
    await screenshot('app-clients-empty');
    await page.getByRole('button', { name: 'Clear filters' }).first().click();
    await expect.poll(() => region.getByRole('row').count()).toBe(all);
    expect(await page.getByRole('searchbox', { name: 'Search clients' }).inputValue()).toBe('');

    const unmapped = (await page.evaluate(async () => (await fetch('/api/app/clients?mapping=unmapped')).json())).total as number;
    expect(unmapped).toBeGreaterThan(0);
    await page.getByLabel('Mapping').selectOption('unmapped');
    await expect.poll(() => region.getByRole('row').count()).toBe(unmapped + 1);
    await page.getByLabel('Sort by').selectOption('balance');
    expect(new URL(page.url()).searchParams.get('sort')).toBe('balance');
    await screenshot('app-clients-filtered');

    // Tablet width: the filter bar wraps, nothing scrolls sideways.
    await page.setViewportSize({ width: 768, height: 1024 });
    await page.getByLabel('Mapping').selectOption('');
    await expect.poll(() => region.getByRole('row').count()).toBe(all);
    expect(await noSideways()).toBeLessThanOrEqual(0);
    await screenshot('app-clients-tablet');
    await page.goto(`${app.url}/app/`);
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    expect(await noSideways()).toBeLessThanOrEqual(0);
    await screenshot('app-dashboard-tablet');
    await page.setViewportSize({ width: 1360, height: 900 });
    expect(consoleErrors).toEqual([]);
  });
});
