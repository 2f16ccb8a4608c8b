// In Chromium, against the real server and the Stripe emulator: an admin opens Integrations health,
// sees the Stripe webhook endpoint and a dead-lettered event with its error, retries it and sees it
// leave the list (queued again in the database); retrying an event that is no longer dead reads as a
// friendly message, not an error. The PSA section shows that no webhook URL is set and a dead
// write-back, which is retried too. The page is also checked at phone width.
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebhookEndpoint } from '../../server/webhooks/ensure-webhook-endpoint';
import { chromiumAvailable, openBrowser, screenshot as saveScreenshot } from '../support/browser';
import { makeStaffUser } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';
import { connectInstallationToEmulator, eventPayload } from '../support/webhook-fixtures';

let app: TestApp;
let browser: BrowserContext;

/** From the top: a full-page capture taken while scrolled paints sticky bars mid-page. */
async function screenshot(page: Page, name: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await saveScreenshot(page, name);
}

const LONG_ERROR =
  'StripeConnectionError: An error occurred with our connection to Stripe. Request was retried 2 times. ' +
  'Last cause: connect ECONNREFUSED 127.0.0.1:443 while fetching customer cus_does_not_exist_in_settle';

beforeAll(async () => {
  if (!chromiumAvailable) return;
  app = await startTestApp({ stripeEmulator: true });
  browser = await openBrowser({ viewport: { width: 1360, height: 900 } });
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe.skipIf(!chromiumAvailable)('integrations health in the browser', () => {
  it('shows dead-lettered webhook events and failed PSA deliveries, and retries them', async () => {
    const ctx = app.runtime.ctx;
    const inst = await connectInstallationToEmulator(app.db.database.knex, ctx.secrets, app.emulator!);
    await ensureWebhookEndpoint(ctx, inst.id);
    const admin = await makeStaffUser(inst.scope, { role: 'admin' });

    // customer.updated for a customer no client is mapped to: reprocessing ends `processed`, harmlessly.
    const now = app.clock.now();
    const deadEvent = (id: string) => ({
      stripe_event_id: id,
      type: 'customer.updated',
      api_version: null,
      livemode: false,
      payload: eventPayload('customer.updated', { id: 'cus_does_not_exist_in_settle', object: 'customer' }, id),
      status: 'dead',
      attempts: 8,
      last_error: LONG_ERROR,
      stripe_created_at: new Date(now.getTime() - 3_600_000),
      received_at: new Date(now.getTime() - 3_600_000),
      object_id: 'cus_does_not_exist_in_settle',
    });
    const [dead] = (await inst.scope.insert('stripe_events', deadEvent('evt_integrations_dead_1')).returning('id')) as Array<{ id: string }>;
    const [stale] = (await inst.scope.insert('stripe_events', deadEvent('evt_integrations_dead_2')).returning('id')) as Array<{ id: string }>;
    const [delivery] = (await inst.scope
      .insert('outbox', {
        kind: 'psa_webhook',
        dedupe_key: 'payment.succeeded:integrations-test',
        payload: JSON.stringify({ type: 'payment.succeeded' }),
        status: 'dead',
        attempts: 10,
        last_error: 'PSA answered 503 Service Unavailable',
        last_response_status: 503,
        last_attempt_at: new Date(now.getTime() - 600_000),
      })
      .returning('id')) as Array<{ id: string }>;

    const page = await browser.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && consoleErrors.push(m.text()));
    await page.goto(`${app.url}/app/`);
    await page.getByLabel('Email').fill(admin.email);
    await page.getByLabel('Password').fill(admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor(); // /app lands on the dashboard
    await page.getByRole('link', { name: 'Clients', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Clients' }).waitFor();

    // Admins reach it from the navigation, under Settings.
    await page.getByRole('link', { name: 'Integrations health' }).click();
    await page.getByRole('heading', { level: 1, name: 'Integrations health' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/app/settings/integrations');

    const webhooks = page.getByRole('region', { name: 'Failed webhook events' });
    await webhooks.waitFor();
    await page.locator('.badge', { hasText: 'Enabled' }).first().waitFor(); // the endpoint, as Stripe reports it
    expect(await webhooks.getByRole('row').count()).toBe(3); // header + two dead letters
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
    const row = webhooks.getByRole('row').filter({ hasText: 'evt_integrations_dead_1' });
    expect(await row.textContent()).toContain('customer.updated');
    expect(await row.getByText('Dead letter').count()).toBe(1);
    expect(await row.getByRole('cell', { name: '8', exact: true }).count()).toBe(1);
    const summary = row.locator('summary');
    expect(await summary.getAttribute('title')).toBe(LONG_ERROR); // truncated, full text on hover…
    expect((await summary.textContent())!.length).toBeLessThan(LONG_ERROR.length);
    await summary.click(); // …and on click
    await row.getByText(LONG_ERROR, { exact: true }).waitFor();
    await row.getByText('Hide full error').waitFor();

    // PSA section: no webhook URL yet, and the dead write-back.
    const psa = page.getByRole('region', { name: 'PSA write-back deliveries' });
    await psa.getByText('Settle can’t send payments back to your PSA').waitFor();
    const deliveries = page.getByRole('region', { name: 'Failed PSA deliveries' });
    await deliveries.getByText('Your PSA answered HTTP 503: PSA answered 503 Service Unavailable').waitFor();
    await screenshot(page, 'integrations-1-dead-letters');

    // Retry the dead letter: it leaves the list and is queued again.
    await row.getByRole('button', { name: /^Retry customer\.updated event evt_integrations_dead_1$/ }).click();
    await page.getByRole('status').filter({ hasText: 'evt_integrations_dead_1 is queued again' }).waitFor();
    await expect.poll(() => webhooks.getByRole('row').filter({ hasText: 'evt_integrations_dead_1' }).count()).toBe(0);
    const retried = (await inst.scope.from('stripe_events').where({ id: dead!.id }).first('status', 'attempts')) as { status: string; attempts: number };
    expect(['pending', 'processing', 'processed']).toContain(retried.status);
    const audited = (await inst.scope.from('audit_log').where({ action: 'webhook_event.retried', subject_id: dead!.id }).count({ n: '*' }).first()) as { n: unknown };
    expect(Number(audited.n)).toBe(1);
    await screenshot(page, 'integrations-2-retried');

    // An event that stopped being dead since the page loaded: a friendly 409, and the list catches up.
    await inst.scope.from('stripe_events').where({ id: stale!.id }).update({ status: 'processed', processed_at: now });
    await webhooks.getByRole('button', { name: /evt_integrations_dead_2$/ }).click();
    await page.getByRole('status').filter({ hasText: 'That event isn’t failed any more' }).waitFor();
    await page.getByRole('heading', { name: 'No failed webhook events' }).waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
    await screenshot(page, 'integrations-3-not-retryable');

    // Retry the dead PSA write-back: due again with a fresh schedule, audited.
    await deliveries.getByRole('button', { name: /^Retry payment write-back/ }).click();
    await page.getByRole('status').filter({ hasText: 'The write-back is queued again' }).waitFor();
    await expect
      .poll(async () => Number(((await inst.scope.from('audit_log').where({ action: 'outbox.retried', subject_id: delivery!.id }).count({ n: '*' }).first()) as { n: unknown }).n))
      .toBe(1);

    // The PSA webhook URL form refuses a loopback address (SSRF) next to the field and saves nothing.
    const urlField = page.getByRole('textbox', { name: 'PSA webhook URL' });
    await urlField.fill('https://127.0.0.1/hooks/settle');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(async () => (await urlField.getAttribute('aria-invalid')) === 'true').toBe(true);
    const describedBy = (await urlField.getAttribute('aria-describedby'))!.split(' ')[0]!;
    expect(await page.locator(`[id="${describedBy}"]`).textContent()).toMatch(/not allowed/i);
    expect((await app.db.database.knex('installations').where({ id: inst.id }).first('psa_webhook_url')).psa_webhook_url).toBeNull();
    await screenshot(page, 'integrations-5-url-refused');

    // Phone width: no sideways scrolling.
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
    await screenshot(page, 'integrations-4-phone');

    expect(consoleErrors).toEqual([]);
    await page.close();
  });
});
