// In Chromium, against the real server and the Stripe emulator (its Stripe.js stand-in renders the
// Payment Element and the bank account dialog): a technician on a client's Payment methods tab adds
// card 4242 and bank account 000123456789 on the client's behalf. The authorization must be
// confirmed first; the list then says who added each method and how the client authorized it, the
// bank account awaits micro-deposits with the portal's wording; the client reads the deposits out
// and the technician enters them (a wrong pair costs an attempt), and Stripe's mandate records an
// offline acceptance. Autopay is then turned on with the card (authorization confirmed) and off.
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, openBrowser, screenshot as saveScreenshot } from '../support/browser';
import { makeStaffUser } from '../support/factories';
import { addPayingClient } from '../support/payment-fixtures';
import { startTestApp, type TestApp } from '../support/test-app';
import { connectInstallationToEmulator } from '../support/webhook-fixtures';

let app: TestApp;
let browser: BrowserContext;
let page: Page;
let fixture: Awaited<ReturnType<typeof addPayingClient>>;
const consoleErrors: string[] = [];

async function screenshot(name: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await saveScreenshot(page, name);
}

beforeAll(async () => {
  if (!chromiumAvailable) return;
  app = await startTestApp({ stripeEmulator: { microdepositType: 'amounts' }, realPublicUrl: true });
  const ctx = app.runtime.ctx;
  const inst = await connectInstallationToEmulator(ctx.db, ctx.secrets, app.emulator!);
  await ctx.db('installations').where({ id: inst.id }).update({ name: 'Northwind IT' });
  fixture = await addPayingClient(app, inst, { name: 'Proseware Dental' });
  const tech = await makeStaffUser(inst.scope, { role: 'technician' });
  await inst.scope.from('staff_users').where({ id: tech.id }).update({ name: 'Jane Tech' });
  browser = await openBrowser({ viewport: { width: 1360, height: 900 } });
  page = await browser.newPage();
  page.on('console', (m) => m.type() === 'error' && !/401|Failed to load resource/.test(m.text()) && consoleErrors.push(m.text()));
  page.on('pageerror', (e) => consoleErrors.push(e.message));
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

describe.skipIf(!chromiumAvailable)('adding payment methods on the client’s behalf in the browser', { timeout: 150_000 }, () => {
  it('a technician adds card 4242 and bank account 000123456789', async () => {
    const { client, inst, stripe } = fixture;
    await page.goto(`${app.url}/app/clients/${client.id}?tab=methods`);
    await page.getByRole('heading', { level: 1, name: 'Proseware Dental' }).waitFor();
    await page.getByText('No saved payment methods').waitFor();

    // Card: the authorization must be confirmed first.
    await page.getByRole('button', { name: 'Add on client’s behalf' }).click();
    const panel = page.getByRole('region', { name: 'Add a payment method for the client' });
    await panel.getByRole('region', { name: 'Card authorization' }).getByText('Proseware Dental authorizes Northwind IT to save this card').waitFor();
    await screenshot('staff-pm-1-authorize-card');
    await panel.getByRole('button', { name: 'Continue to card details' }).click();
    await panel.getByText('Confirm the client’s authorization first').waitFor();
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.type)).toBe('checkbox');
    await panel.getByLabel('How did the client authorize it?').selectOption('phone');
    await panel.getByLabel('I confirm Proseware Dental authorized Northwind IT to save and charge this card as described above, by phone.').check();
    await panel.getByRole('button', { name: 'Continue to card details' }).click();

    const cardPanel = page.getByRole('region', { name: 'Card details' });
    await cardPanel.getByLabel('Card number', { exact: true }).fill('4242 4242 4242 4242');
    await cardPanel.getByLabel('Expiration date', { exact: true }).fill('12 / 34');
    await cardPanel.getByLabel('Security code', { exact: true }).fill('123');
    await screenshot('staff-pm-2-card-details');
    await cardPanel.getByRole('button', { name: 'Save card' }).click();
    await page.getByText('Visa •••• 4242 was saved and is ready to use.').waitFor({ timeout: 15_000 });
    const cardRow = page.getByRole('region', { name: 'Payment methods' }).getByRole('row').filter({ hasText: 'Visa •••• 4242' });
    await cardRow.getByText(/^Added by Jane Tech · /).waitFor();
    await cardRow.getByText('Client authorized by phone').waitFor();
    await cardRow.getByText('Technician-entered').waitFor();

    // Bank account: ACH authorization, then Stripe's bank account dialog, then the offline mandate.
    await page.getByRole('button', { name: 'Add on client’s behalf' }).click();
    await panel.getByText('US bank account (ACH)').click();
    await panel.getByRole('region', { name: 'Bank debit authorization' }).getByText('Proseware Dental authorizes Northwind IT to debit the bank account').waitFor();
    await panel.getByLabel('How did the client authorize it?').selectOption('paper');
    await panel.getByLabel('I confirm Proseware Dental authorized Northwind IT to debit this bank account as described above, on a signed form.').check();
    await screenshot('staff-pm-3-authorize-bank');
    await panel.getByRole('button', { name: 'Continue to bank account details' }).click();
    const bankPanel = page.getByRole('region', { name: 'Bank account details' });
    await bankPanel.getByRole('button', { name: 'Enter bank details' }).click();
    await bankPanel.getByText('Enter the name on the bank account.').waitFor();
    await bankPanel.getByLabel('Account holder name').fill('Dana Reyes');
    await bankPanel.getByRole('button', { name: 'Enter bank details' }).click();
    const dialog = page.getByRole('dialog', { name: 'Link your bank account' });
    await dialog.getByLabel('Routing number', { exact: true }).fill('110000000');
    await dialog.getByLabel('Account number', { exact: true }).fill('000123456789');
    await dialog.getByLabel('Account holder type', { exact: true }).selectOption('company');
    expect(await dialog.getByLabel('Account holder name', { exact: true }).inputValue()).toBe('Dana Reyes');
    await screenshot('staff-pm-4-bank-dialog');
    await dialog.getByRole('button', { name: 'Link account' }).click();
    await page.getByText(/^STRIPE TEST BANK •••• 6789 was saved\. Awaiting verification/).waitFor({ timeout: 15_000 });
    const bankRow = page.getByRole('region', { name: 'Payment methods' }).getByRole('row').filter({ hasText: 'STRIPE TEST BANK •••• 6789' });
    await bankRow.getByText('Awaiting verification', { exact: true }).waitFor();
    await bankRow.getByText('Client authorized on a signed form (offline mandate)').waitFor();
    await bankRow.getByText('3 attempts left').waitFor();
    await bankRow.getByRole('link', { name: 'Stripe’s verification page' }).waitFor();
    await screenshot('staff-pm-5-list');

    // Settle's technician-entered record; Stripe waits for the micro-deposits.
    const rows = (await inst.scope.from('payment_methods').where({ client_id: client.id }).orderBy('created_at').select('id', 'type', 'added_by_kind', 'authorization_channel', 'setup_intent_id', 'status')) as Array<{ id: string; type: string; added_by_kind: string; authorization_channel: string; setup_intent_id: string; status: string }>;
    expect(rows.map((r) => [r.type, r.added_by_kind, r.authorization_channel, r.status])).toEqual([
      ['card', 'technician', 'phone', 'active'],
      ['us_bank_account', 'technician', 'paper', 'pending_verification'],
    ]);
    expect((await stripe.setupIntents.retrieve(rows[1]!.setup_intent_id)).status).toBe('requires_action');

    // The client reads the deposits out on the phone; the technician enters them. A typo is caught
    // before Stripe (no attempt used), a wrong pair costs one attempt, the right pair verifies.
    await bankRow.getByRole('button', { name: 'Enter the deposits for STRIPE TEST BANK •••• 6789' }).click();
    const verify = page.getByRole('region', { name: 'Enter the deposits for STRIPE TEST BANK •••• 6789' });
    await verify.getByText(/Enter only what the client reads to you from their bank statement — never a guess\. There are 3 attempts left/).waitFor();
    await verify.getByLabel('First deposit (cents)').fill('32');
    await verify.getByRole('button', { name: 'Verify for the client' }).click();
    await verify.getByText('Enter the second deposit in cents.').waitFor();
    expect(await page.evaluate(() => document.activeElement?.getAttribute('id'))).toBe(await verify.getByLabel('Second deposit (cents)').getAttribute('id'));
    await verify.getByLabel('Second deposit (cents)').fill('54');
    await verify.getByRole('button', { name: 'Verify for the client' }).click();
    await verify.getByText('Those amounts do not match the deposits we sent. You have 2 attempts left.').waitFor();
    await bankRow.getByText('2 attempts left').waitFor();
    await screenshot('staff-pm-5b-enter-deposits');
    await verify.getByLabel('Second deposit (cents)').fill('45');
    await verify.getByRole('button', { name: 'Verify for the client' }).click();
    await page.getByText('STRIPE TEST BANK •••• 6789 is verified and ready to use.').waitFor({ timeout: 15_000 });
    await bankRow.getByText('Verified', { exact: true }).waitFor();
    await bankRow.getByText('Verified — ready to use').waitFor();
    expect(await verify.count()).toBe(0);
    await screenshot('staff-pm-6-verified');
    // Stripe's mandate records the offline acceptance; the audit log the technician who entered the deposits.
    const si = await stripe.setupIntents.retrieve(rows[1]!.setup_intent_id);
    expect(si.status).toBe('succeeded');
    expect((await stripe.mandates.retrieve(si.mandate as string)).customer_acceptance.type).toBe('offline');
    const entries = await inst.scope.from('audit_log').where({ subject_id: rows[1]!.id }).whereIn('action', ['payment_method.verification_failed', 'payment_method.verified']).orderBy('id').select('action', 'actor_type', 'details');
    expect(entries).toEqual([
      { action: 'payment_method.verification_failed', actor_type: 'staff', details: expect.objectContaining({ outcome: 'mismatch', attemptsLeft: 2, enteredBy: 'technician' }) },
      { action: 'payment_method.verified', actor_type: 'staff', details: expect.objectContaining({ via: 'microdeposits', enteredBy: 'technician' }) },
    ]);

    // Autopay on with the card (the client's authorization confirmed), then off; both confirmed.
    const autopayCard = page.getByRole('region', { name: 'Autopay', exact: true });
    await autopayCard.getByText('Autopay off', { exact: true }).waitFor();
    await autopayCard.getByRole('button', { name: 'Turn autopay on' }).click();
    const onDialog = page.getByRole('dialog', { name: 'Turn autopay on' });
    await onDialog.getByRole('region', { name: 'Autopay authorization' }).getByText('Proseware Dental authorizes Northwind IT to charge').waitFor();
    await onDialog.getByLabel('Charge').selectOption({ label: 'Visa •••• 4242' });
    await onDialog.getByLabel('How did the client authorize autopay?').selectOption('email');
    await onDialog.getByRole('button', { name: 'Turn autopay on' }).click();
    await onDialog.getByText('Confirm the client’s autopay authorization first.').waitFor();
    await onDialog.getByLabel('I confirm the client authorized autopay as described above, by email.').check();
    await screenshot('staff-pm-6b-autopay-on-dialog');
    await onDialog.getByRole('button', { name: 'Turn autopay on' }).click();
    await page.getByText('Autopay is on: Visa •••• 4242 is charged on each invoice’s due date.').waitFor();
    await autopayCard.getByText('Autopay on', { exact: true }).waitFor();
    await autopayCard.getByText(/^Client authorized by email, recorded /).waitFor();
    await cardRow.getByText('Autopay', { exact: true }).waitFor();
    await expect.poll(() => page.getByText('Autopay on', { exact: true }).count()).toBe(2); // the page header's badge too
    await screenshot('staff-pm-6c-autopay-on');
    expect((await inst.scope.from('clients').where({ id: client.id }).first('autopay_enabled')).autopay_enabled).toBe(true);
    await autopayCard.getByRole('button', { name: 'Turn autopay off' }).click();
    await page.getByRole('dialog', { name: 'Turn autopay off?' }).getByRole('button', { name: 'Turn autopay off' }).click();
    await autopayCard.getByText('Autopay off', { exact: true }).waitFor();
    expect((await inst.scope.from('clients').where({ id: client.id }).first('autopay_enabled')).autopay_enabled).toBe(false);

    // Narrow (tablet) layout of the authorization step.
    await page.setViewportSize({ width: 800, height: 1000 });
    await page.getByRole('button', { name: 'Add on client’s behalf' }).click();
    await panel.getByRole('region', { name: 'Card authorization' }).waitFor();
    await screenshot('staff-pm-7-tablet');
    await panel.getByRole('button', { name: 'Cancel' }).click();
    expect(consoleErrors).toEqual([]);
  });
});
