// In Chromium, against the real server with the demo data: a technician invites a client contact to
// the billing portal from the client page; the invite email is read from the outbox (and shown in
// the demo mailbox); the contact opens the link, sets a password and lands on their invoices. Then
// the "Forgot password?" flow, and revoking access from the client page. Screenshots in .screenshots/.
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CLIENTS, DEMO_LOGINS } from '../../server/demo/seed-demo';
import { chromiumAvailable, openBrowser, screenshot as saveScreenshot } from '../support/browser';
import { startTestApp, type TestApp } from '../support/test-app';

let app: TestApp;
let browser: BrowserContext;
let tech: Page;
let clientId: string;
const consoleErrors: string[] = [];

const CLIENT = DEMO_CLIENTS[0]; // Contoso Dental Group
const INVITEE = { name: 'Jamie Rivera', email: 'jamie.rivera@contoso.example' };
const PASSWORD = 'jamie picks a long password';

const knex = () => app.db.database.knex;

async function screenshot(page: Page, name: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await saveScreenshot(page, `portal-invite-${name}`);
}

/** The link in the newest email of this kind to `to`, exactly as the person would click it. */
async function emailedLink(to: string, path: 'invite' | 'reset-password'): Promise<string> {
  const rows = (await knex()('outbox').where({ kind: 'email' }).orderBy('created_at', 'desc').select('payload')) as Array<{ payload: { to: string; text: string } }>;
  for (const r of rows) {
    if (r.payload.to !== to) continue;
    const match = new RegExp(`https?://\\S+/portal/${path}/[A-Za-z0-9_-]+`).exec(r.payload.text);
    if (match) return match[0];
  }
  throw new Error(`no ${path} email to ${to}`);
}

function watch(page: Page): Page {
  page.setDefaultTimeout(10_000);
  page.on('console', (m) => m.type() === 'error' && !/401|Failed to load resource/.test(m.text()) && consoleErrors.push(m.text()));
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  return page;
}

beforeAll(async () => {
  if (!chromiumAvailable) return;
  app = await startTestApp({ seed: true, realPublicUrl: true });
  const client = (await knex()('clients').where({ name: CLIENT.name }).first('id', 'installation_id')) as { id: string; installation_id: string };
  clientId = client.id;
  await knex()('client_contacts').insert({ installation_id: client.installation_id, client_id: client.id, name: INVITEE.name, email: INVITEE.email });
  browser = await openBrowser({ viewport: { width: 1280, height: 900 } });
  tech = watch(await browser.newPage());
  await tech.goto(`${app.url}/app/`);
  await tech.getByLabel('Email').fill(DEMO_LOGINS.technician.email);
  await tech.getByLabel('Password').fill(DEMO_LOGINS.technician.password);
  await tech.getByRole('button', { name: 'Sign in' }).click();
  await tech.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor(); // /app lands on the dashboard
  await tech.getByRole('link', { name: 'Clients', exact: true }).click();
  await tech.getByRole('heading', { level: 1, name: 'Clients' }).waitFor();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

// Full-page screenshots of long pages and argon2 hashing take seconds each on a small machine.
describe.skipIf(!chromiumAvailable)('portal invite in the browser', { timeout: 90_000 }, () => {
  it('a technician invites a contact from the client page; the email is in the outbox and the mailbox', async () => {
    await tech.goto(`${app.url}/app/clients/${clientId}?tab=contacts`);
    await tech.getByRole('heading', { level: 1, name: CLIENT.name }).waitFor();
    const section = tech.getByRole('region', { name: 'Portal access' });
    await section.getByRole('row', { name: new RegExp(CLIENT.contact) }).getByText('Active').waitFor(); // the demo contact already has access
    await screenshot(tech, 'app-portal-access');

    await section.getByRole('button', { name: 'Invite', exact: true }).click();
    const person = section.getByLabel('Person');
    await expect.poll(() => person.inputValue()).not.toBe(''); // the one contact without access is offered first
    expect(await person.locator('option:checked').textContent()).toBe(`${INVITEE.name} (${INVITEE.email})`);

    // Someone else: fields are checked before anything is sent, errors beside the fields.
    await person.selectOption({ label: 'Someone else — enter their email' });
    await section.getByRole('button', { name: 'Send invite' }).click();
    await section.getByText('Enter the email address to send the invite to.').waitFor();
    await section.getByText('Enter the person’s name.').waitFor();
    expect(await section.getByLabel('Email').evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await section.getByLabel('Email').getAttribute('aria-invalid')).toBe('true');
    await screenshot(tech, 'app-invite-errors');

    await person.selectOption({ label: `${INVITEE.name} (${INVITEE.email})` });
    await section.getByRole('button', { name: 'Send invite' }).press('Enter');
    await section.getByRole('status').getByText(`Invite sent to ${INVITEE.email}.`).waitFor();
    const row = section.getByRole('row', { name: new RegExp(INVITEE.name) });
    await row.getByText('Invited').waitFor();
    await row.getByRole('button', { name: `Resend invite to ${INVITEE.name}` }).waitFor();
    // The contacts list above follows without a page reload.
    await tech.getByRole('region', { name: 'Contacts' }).getByRole('row', { name: new RegExp(INVITEE.name) }).getByText('Invited').waitFor();
    await screenshot(tech, 'app-invited');

    const link = await emailedLink(INVITEE.email, 'invite');
    expect(link.startsWith(`${app.url}/portal/invite/`)).toBe(true);

    // Demo mode is off in tests, so the mailbox is for admins: the technician is told so.
    await tech.getByRole('link', { name: 'Mailbox' }).click();
    await tech.getByRole('heading', { level: 1, name: 'Mailbox' }).waitFor();
    await tech.getByText('Only admins can read the mailbox').waitFor();
  });

  it('an admin reads the invite in the demo mailbox (HTML in a sandboxed frame)', async () => {
    const admin = watch(await (await openBrowser({ viewport: { width: 1280, height: 900 } })).newPage());
    try {
      await admin.goto(`${app.url}/app/mailbox`);
      await admin.getByLabel('Email').fill(DEMO_LOGINS.admin.email);
      await admin.getByLabel('Password').fill(DEMO_LOGINS.admin.password);
      await admin.getByRole('button', { name: 'Sign in' }).click();
      await admin.getByRole('heading', { level: 1, name: 'Mailbox' }).waitFor();
      const subject = 'Northwind IT invited you to pay invoices online';
      await admin.getByRole('navigation', { name: 'Emails' }).getByRole('button', { name: new RegExp(subject) }).first().waitFor();
      await admin.getByRole('heading', { level: 2, name: subject }).waitFor();
      const frame = admin.frameLocator('iframe.mailbox-view__frame');
      await frame.getByRole('heading', { name: "You're invited to Northwind IT's billing portal" }).waitFor();
      await frame.getByRole('link', { name: 'Set your password' }).waitFor();
      expect(await admin.locator('iframe.mailbox-view__frame').getAttribute('sandbox')).toBe('allow-popups allow-popups-to-escape-sandbox');
      await admin.getByRole('link', { name: /\/portal\/invite\// }).waitFor();
      await saveScreenshot(admin, 'portal-invite-app-mailbox');
    } finally {
      await admin.context().close();
    }
  });

  it('the contact opens the link, sees who invited them, sets a password and lands on their invoices', async () => {
    const link = await emailedLink(INVITEE.email, 'invite');
    const portal = watch(await browser.newPage());
    await portal.goto(link);
    await portal.getByRole('heading', { level: 1, name: 'Set up your billing portal' }).waitFor();
    await portal.getByText(`Northwind IT invited you to see and pay invoices for ${CLIENT.name}`).waitFor();
    await portal.getByText(INVITEE.email).waitFor();
    expect(await portal.getByLabel('Your name').inputValue()).toBe(INVITEE.name);
    await screenshot(portal, 'portal-invite');

    await portal.getByLabel('New password', { exact: true }).fill('short');
    await portal.getByRole('button', { name: 'Set password and continue' }).click();
    await portal.getByText('Use at least 10 characters.').waitFor();
    await portal.getByLabel('New password', { exact: true }).fill(PASSWORD);
    await portal.getByLabel('Confirm new password').fill(`${PASSWORD} typo`);
    await portal.getByRole('button', { name: 'Set password and continue' }).click();
    await portal.getByText('The two passwords don’t match.').waitFor();
    await screenshot(portal, 'portal-invite-errors');

    await portal.getByLabel('Confirm new password').fill(PASSWORD);
    await portal.getByLabel('Confirm new password').press('Enter');
    await portal.getByRole('heading', { level: 1, name: 'Invoices' }).waitFor();
    expect(new URL(portal.url()).pathname).toBe('/portal/invoices');
    await portal.getByText('INV-1002').first().waitFor(); // Contoso's overdue invoice
    await portal.getByText(INVITEE.name).first().waitFor();
    await screenshot(portal, 'portal-invoices');

    // The link was single use.
    await portal.goto(link);
    await portal.getByRole('heading', { level: 1, name: 'This invitation link doesn’t work' }).waitFor();
    await screenshot(portal, 'portal-invite-used');
    await portal.close();
  });

  it('“Forgot password?” on the sign-in page emails a link that sets a new password and signs in', async () => {
    const portal = watch(await (await openBrowser()).newPage());
    try {
      await portal.goto(`${app.url}/portal/login`);
      await portal.getByRole('button', { name: 'Sign in' }).waitFor();
      await screenshot(portal, 'portal-login');
      await portal.getByRole('link', { name: 'Forgot password?' }).click();
      await portal.getByRole('heading', { level: 1, name: 'Forgot your password?' }).waitFor();
      await portal.getByLabel('Email').fill(INVITEE.email);
      await portal.getByRole('button', { name: 'Send reset link' }).click();
      await portal.getByRole('heading', { level: 1, name: 'Check your email' }).waitFor();
      await screenshot(portal, 'portal-forgot-sent');

      await portal.goto(await emailedLink(INVITEE.email, 'reset-password'));
      await portal.getByRole('heading', { level: 1, name: 'Choose a new password' }).waitFor();
      await portal.getByLabel('New password', { exact: true }).fill('an even longer new password');
      await portal.getByLabel('Confirm new password').fill('an even longer new password');
      await screenshot(portal, 'portal-reset');
      await portal.getByRole('button', { name: 'Save password and sign in' }).click();
      await portal.getByRole('heading', { level: 1, name: 'Invoices' }).waitFor();
    } finally {
      await portal.context().close();
    }
  });

  it('the technician revokes access after confirming; the contact is signed out', async () => {
    const portal = watch(await browser.newPage());
    await portal.goto(`${app.url}/portal/invoices`);
    await portal.getByRole('button', { name: 'Sign in' }).waitFor(); // the reset ended the earlier session
    await portal.getByLabel('Email').fill(INVITEE.email);
    await portal.getByLabel('Password').fill('an even longer new password');
    await portal.getByRole('button', { name: 'Sign in' }).click();
    await portal.getByRole('heading', { level: 1, name: 'Invoices' }).waitFor();

    await tech.goto(`${app.url}/app/clients/${clientId}?tab=contacts`);
    const section = tech.getByRole('region', { name: 'Portal access' });
    const row = section.getByRole('row', { name: new RegExp(INVITEE.name) });
    await row.getByText('Active').waitFor();
    await row.getByRole('button', { name: `Revoke portal access for ${INVITEE.name}` }).click();
    const dialog = tech.getByRole('dialog', { name: `Revoke portal access for ${INVITEE.name}?` });
    await dialog.waitFor();
    await screenshot(tech, 'app-revoke-dialog');
    await dialog.getByRole('button', { name: 'Revoke access' }).click();
    await section.getByRole('status').getByText(`${INVITEE.name} can no longer sign in to the billing portal.`).waitFor();
    await row.getByText('Revoked').waitFor();
    await tech.getByRole('region', { name: 'Contacts' }).getByRole('row', { name: new RegExp(INVITEE.name) }).getByText('No access').waitFor();
    await screenshot(tech, 'app-revoked');

    await portal.reload();
    await portal.getByRole('button', { name: 'Sign in' }).waitFor();
    await portal.close();
    expect(consoleErrors).toEqual([]);
  });
});
