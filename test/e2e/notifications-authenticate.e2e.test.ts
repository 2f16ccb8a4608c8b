// In Chromium, against the real server and the Stripe emulator: an automatic (off-session) charge
// that the card's bank wants confirmed puts a "Confirm your payment" email in the outbox; the client
// opens its link, signs in, lands back on the page, confirms, completes the emulator's 3-D Secure
// challenge (Stripe.js stand-in) and sees the invoice paid — with one receipt queued. A charge that
// can no longer be confirmed says so and offers to pay the invoice. Also: the unsubscribe page, the
// admin's mailbox showing the new emails, and the technician's client page with a paused autopay.
// Every state is screenshotted into .screenshots/.
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import { chargeInvoice } from '../../server/autopay/charge-invoice';
import { selectDueInvoices } from '../../server/autopay/run-autopay';
import { runNotifications } from '../../server/notifications/run-notifications';
import { unsubscribeUrls } from '../../server/notifications/send-notice';
import { syncPaymentMethod } from '../../server/payment-methods/sync-payment-method';
import { offSessionChargeNeedingAuthentication } from '../support/authentication-fixtures';
import { chromiumAvailable, openBrowser, screenshot as saveScreenshot } from '../support/browser';
import { makeInvoice, makeStaffUser } from '../support/factories';
import { makePayingClient, saveCard } from '../support/payment-fixtures';
import { startTestApp, type TestApp } from '../support/test-app';

let app: TestApp;
let browser: BrowserContext;
let page: Page;
let p: Awaited<ReturnType<typeof makePayingClient>>;
const consoleErrors: string[] = [];

const MSP = 'Northwind IT Services';
const CLIENT = 'Contoso Ltd';
const knex = () => app.db.database.knex;
const ctx = () => app.runtime.ctx;

async function screenshot(target: Page, name: string): Promise<void> {
  await target.evaluate(() => window.scrollTo(0, 0));
  await saveScreenshot(target, `notifications-${name}`);
}

async function signIn(target: Page, area: 'portal' | 'app', email: string, password: string) {
  await target.getByLabel('Email').fill(email);
  await target.getByLabel('Password').fill(password);
  await target.getByRole('button', { name: 'Sign in' }).click();
}

beforeAll(async () => {
  if (!chromiumAvailable) return;
  app = await startTestApp({ realPublicUrl: true, stripeEmulator: {} });
  p = await makePayingClient(app, { name: CLIENT });
  await knex()('installations').where({ id: p.inst.id }).update({ name: MSP });
  browser = await openBrowser({ viewport: { width: 1280, height: 860 } });
  page = await browser.newPage();
  page.on('console', (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && consoleErrors.push(m.text()));
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe.skipIf(!chromiumAvailable)('notifications in the browser', () => {
  beforeEach(() => onTestFailed(() => screenshot(page, 'failed')));

  it('the "Confirm your payment" email leads, after signing in, to the page that completes 3-D Secure and shows the invoice paid', async () => {
    const card = await saveCard(p, 'pm_card_authenticationRequired');
    const inv = await makeInvoice(p.inst.scope, p.client.id, { total: 15_000, number: 'INV-3184', dueDate: '2026-12-01' });
    const { paymentId } = await offSessionChargeNeedingAuthentication(ctx(), p, card, inv);
    await runNotifications(ctx());
    const email = (await knex()('outbox').where({ installation_id: p.inst.id, kind: 'email' }).where('dedupe_key', 'like', 'attempt:%').first('payload')) as { payload: { to: string; subject: string; text: string } };
    expect(email.payload.to).toBe(p.user.email);
    expect(email.payload.subject).toBe(`Confirm your payment of $150.00 to ${MSP}`);
    const link = /https?:\/\/\S+\/portal\/authenticate\/[0-9a-f-]{36}/.exec(email.payload.text)![0];
    expect(link).toBe(`${app.url}/portal/authenticate/${paymentId}`);

    // Not signed in yet: the link asks for the password, then comes back to the page.
    await page.goto(link);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await signIn(page, 'portal', p.user.email, p.user.password);
    await page.getByRole('heading', { level: 1, name: 'Confirm your payment' }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/portal/authenticate/${paymentId}`);
    await page.getByText('Your bank asks you to confirm this payment with Visa •••• 3184. Nothing has been charged yet.').waitFor();
    await page.getByRole('cell', { name: 'INV-3184' }).waitFor();
    await screenshot(page, '01-authenticate-needed');

    await page.getByRole('button', { name: 'Confirm and pay $150.00' }).click();
    const challenge = page.frameLocator('iframe[title="3D Secure authentication"]');
    await challenge.getByRole('button', { name: 'Complete authentication' }).waitFor();
    await screenshot(page, '02-3ds-challenge');
    await challenge.getByRole('button', { name: 'Complete authentication' }).click();
    await page.getByText('Thank you — the payment went through and your receipt is on its way by email.').waitFor();
    await page.getByRole('heading', { level: 1, name: 'Payment confirmed' }).waitFor();
    await page.getByRole('link', { name: 'View receipt' }).waitFor();
    await screenshot(page, '03-authenticate-paid');

    expect(await knex()('invoices').where({ id: inv.id }).first('status', 'amount_paid')).toEqual({ status: 'paid', amount_paid: 15_000 });
    expect(await knex()('outbox').where({ installation_id: p.inst.id, kind: 'email' }).where('dedupe_key', 'like', `receipt:${paymentId}:%`)).toHaveLength(1);
    const succeeded = (await p.stripe.paymentIntents.list({ customer: p.customer.id })).data.filter((pi) => pi.status === 'succeeded');
    expect(succeeded).toHaveLength(1);
  });

  it('a charge that can no longer be confirmed says so and offers to pay the invoice', async () => {
    const card = await saveCard(p, 'pm_card_authenticationRequired');
    await knex()('clients').where({ id: p.client.id }).update({ autopay_enabled: true, autopay_payment_method_id: card.id });
    const inv = await makeInvoice(p.inst.scope, p.client.id, { total: 4_400, number: 'INV-4400', dueDate: '2026-11-01' });
    const [candidate] = (await selectDueInvoices(ctx(), p.inst.scope)).filter((c) => c.invoiceId === inv.id);
    await chargeInvoice(ctx(), p.inst.scope, p.stripe, candidate!, { retryScheduleDays: [3], achMaxRetries: 1 });
    const { payment_id: paymentId } = await knex()('charge_attempts').where({ invoice_id: inv.id }).first('payment_id');
    const { stripe_payment_intent_id: intentId } = await knex()('payments').where({ id: paymentId }).first('stripe_payment_intent_id');
    if ((await p.stripe.paymentIntents.retrieve(intentId)).status !== 'canceled') await p.stripe.paymentIntents.cancel(intentId);

    await page.goto(`${app.url}/portal/authenticate/${paymentId}`);
    await page.getByText('This payment can’t be confirmed any more').waitFor();
    await screenshot(page, '04-authenticate-unavailable');
    await page.getByRole('link', { name: 'Pay invoice INV-4400' }).click();
    await page.getByRole('heading', { level: 1, name: /INV-4400/ }).waitFor();
    await page.getByRole('button', { name: 'Pay $44.00' }).waitFor();
  });

  it('the unsubscribe page confirms before unsubscribing, and can undo it', async () => {
    const { page: url } = unsubscribeUrls({ publicUrl: app.url, encryptionKeys: ctx().config.encryptionKeys }, p.inst.id, p.user.email, 'autopay_upcoming');
    const anonymous = await browser.newPage();
    await anonymous.goto(url);
    await anonymous.getByRole('heading', { name: 'Stop these emails?' }).waitFor();
    await screenshot(anonymous, '05-unsubscribe-confirm');
    expect(await knex()('email_preferences').where({ installation_id: p.inst.id })).toEqual([]);
    await anonymous.getByRole('button', { name: 'Unsubscribe' }).click();
    await anonymous.getByRole('heading', { name: 'You’re unsubscribed' }).waitFor();
    await screenshot(anonymous, '06-unsubscribed');
    expect((await knex()('email_preferences').where({ installation_id: p.inst.id }).first('unsubscribed')).unsubscribed).toBe(true);
    await anonymous.getByRole('button', { name: 'Subscribe again' }).click();
    await anonymous.getByText('Done — these emails will come again.').waitFor();
    await anonymous.goto(`${app.url}/portal/unsubscribe/not-a-real-token`);
    await anonymous.getByRole('heading', { name: 'This unsubscribe link doesn’t work' }).waitFor();
    await screenshot(anonymous, '07-unsubscribe-invalid');
    await anonymous.close();
  });

  it('the admin sees the new emails in the mailbox, and the client page says why autopay is paused', async () => {
    const card = await saveCard(p);
    await knex()('clients').where({ id: p.client.id }).update({ autopay_enabled: true, autopay_payment_method_id: card.id, autopay_paused_reason: null });
    await p.stripe.paymentMethods.detach(card.stripeId);
    await syncPaymentMethod({ scope: p.inst.scope, stripe: p.stripe, clock: ctx().clock, logger: ctx().logger, publicUrl: app.url, paymentMethodId: card.stripeId });

    const admin = await makeStaffUser(p.inst.scope, { role: 'admin' });
    const tech = await browser.newPage();
    await tech.goto(`${app.url}/app/`);
    await signIn(tech, 'app', admin.email, admin.password);
    await tech.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor(); // signing in lands on the dashboard
    await tech.goto(`${app.url}/app/clients/${p.client.id}`);
    await tech.getByText(/^Autopay is paused since /).waitFor();
    await tech.getByRole('status').filter({ hasText: /Visa •••• 4242 was removed, so it cannot be charged\./ }).waitFor(); // the notice under the header
    await screenshot(tech, '08-client-autopay-paused');

    await tech.goto(`${app.url}/app/mailbox`);
    await tech.getByRole('button', { name: /Autopay to .* is paused: action needed/ }).click();
    await tech.getByRole('heading', { level: 2, name: /Autopay to .* is paused: action needed/ }).waitFor();
    await tech.frameLocator('iframe[title^="Email: Autopay"]').getByRole('heading', { name: 'Autopay is paused' }).waitFor();
    await tech.getByText('Essential — always sent').waitFor();
    await screenshot(tech, '09-mailbox-paused');
    await tech.getByRole('button', { name: /^Confirm your payment of \$150\.00/ }).click();
    await tech.getByRole('heading', { level: 2, name: /^Confirm your payment of \$150\.00/ }).waitFor();
    await tech.frameLocator('iframe[title^="Email: Confirm"]').getByRole('link', { name: 'Confirm payment' }).waitFor();
    await screenshot(tech, '10-mailbox-authenticate');
    await tech.close();
    expect(consoleErrors).toEqual([]);
  });
});
