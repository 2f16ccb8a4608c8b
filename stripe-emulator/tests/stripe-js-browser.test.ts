import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { BrowserContext, Page } from 'playwright-core';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, openBrowser, screenshot } from '../../test/support/browser';
import { randomAlphanumeric } from '../core/ids.js';
import { startTestEmulator, type TestEmulator } from '../test-support/start-emulator.js';

const here = dirname(fileURLToPath(import.meta.url));
let t: TestEmulator;
let stripe: Stripe;
let server: Server;
let appUrl = '';
let browser: BrowserContext;
const created: Stripe.SetupIntent[] = [];

beforeAll(async () => {
  if (!chromiumAvailable) return;
  t = await startTestEmulator({ microdepositType: 'amounts' });
  const key = `sk_test_${randomAlphanumeric(20)}`;
  stripe = t.client({ key });
  const { publishable_key: publishableKey } = t.emulator.control.accountKeys(key);
  const outdir = mkdtempSync(join(tmpdir(), 'settle-emulator-page-'));
  await build({
    entryPoints: [join(here, 'browser-fixture', 'setup-page.tsx')],
    bundle: true,
    outfile: join(outdir, 'app.js'),
    format: 'iife',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'error',
  });
  const bundle = await readFile(join(outdir, 'app.js'), 'utf8');
  server = createServer((req, res) => {
    if (req.url === '/app.js') {
      res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(bundle);
    } else if (req.url === '/api/setup-intent' && req.method === 'POST') {
      void (async () => {
        const customer = await stripe.customers.create({ email: 'client@msp.test' });
        const si = await stripe.setupIntents.create({
          customer: customer.id,
          allowed_payment_method_types: ['card', 'us_bank_account'],
          payment_method_options: { us_bank_account: { verification_method: 'microdeposits' } },
        });
        created.push(si);
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ clientSecret: si.client_secret, publishableKey }));
      })();
    } else if (req.url === '/api/payment-intent' && req.method === 'POST') {
      void (async () => {
        const customer = await stripe.customers.create({ email: 'payer@msp.test' });
        const pi = await stripe.paymentIntents.create({ amount: 1500, currency: 'usd', customer: customer.id, allowed_payment_method_types: ['card'] });
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ clientSecret: pi.client_secret, publishableKey, id: pi.id }));
      })();
    } else if (req.url === '/blank') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Blank</title><script src="${t.emulator.url}/js/stripe.js"></script></head><body style="padding:24px"><div id="card-element"></div></body></html>`);
    } else {
      const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Emulator Elements</title><script src="${t.emulator.url}/js/stripe.js"></script></head><body style="background:#f6f8fa;margin:0"><div id="root"></div><script src="/app.js"></script></body></html>`;
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(html);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  browser = await openBrowser({ viewport: { width: 720, height: 760 } });
});

afterAll(async () => {
  if (!chromiumAvailable) return;
  await browser.close();
  server.close();
  await t.emulator.close();
});

async function openForm(): Promise<Page> {
  const page = await browser.newPage();
  page.on('pageerror', (err) => console.error('page error:', err.message));
  await page.goto(appUrl);
  await page.getByRole('tab', { name: 'Card' }).waitFor();
  return page;
}

async function fillCard(page: Page, number: string): Promise<void> {
  await page.getByLabel('Card number').fill(number);
  await page.getByLabel('Expiration date').fill('12 / 34');
  await page.getByLabel('Security code').fill('123');
}

describe.skipIf(!chromiumAvailable)('Stripe.js stand-in with @stripe/react-stripe-js in Chromium', () => {
  it('saves a card through <PaymentElement> and confirmSetup', async () => {
    const page = await openForm();
    expect(await page.getByRole('tab', { name: 'US bank account' }).isVisible()).toBe(true);
    await fillCard(page, '4242 4242 4242 4242');
    await expect.poll(() => page.getByTestId('change').textContent()).toBe('card:true');
    await screenshot(page, 'emulator-elements-card');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByTestId('status').textContent()).toBe('succeeded');
    const si = await stripe.setupIntents.retrieve(created.at(-1)?.id ?? '');
    const pm = await stripe.paymentMethods.retrieve(si.payment_method as string);
    expect(pm).toMatchObject({ type: 'card', customer: si.customer, card: { last4: '4242', exp_month: 12, exp_year: 2034 } });
    await page.close();
  });

  it('saves a bank account with micro-deposits and verifies it', async () => {
    const page = await openForm();
    await page.getByRole('tab', { name: 'US bank account' }).click();
    await page.getByLabel('Account holder name').fill('Acme MSP LLC');
    await page.getByLabel('Routing number').fill('110000000');
    await page.getByLabel('Account number').fill('000123456789');
    await page.getByLabel('Account holder type').selectOption('company');
    await expect.poll(() => page.getByTestId('change').textContent()).toBe('us_bank_account:true');
    await screenshot(page, 'emulator-elements-bank');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByTestId('status').textContent()).toBe('requires_action');
    const pending = await stripe.setupIntents.retrieve(created.at(-1)?.id ?? '');
    expect(pending.next_action?.verify_with_microdeposits?.microdeposit_type).toBe('amounts');
    await page.getByRole('button', { name: 'Verify micro-deposits' }).click();
    await expect.poll(() => page.getByTestId('status').textContent()).toBe('succeeded');
    const si = await stripe.setupIntents.retrieve(pending.id);
    const mandate = await stripe.mandates.retrieve(si.mandate as string);
    expect(mandate).toMatchObject({ status: 'active', customer_acceptance: { type: 'online' } });
    expect(mandate.customer_acceptance.online?.user_agent).toContain('Chrome');
    const pm = await stripe.paymentMethods.retrieve(si.payment_method as string);
    expect(pm).toMatchObject({ customer: si.customer, us_bank_account: { last4: '6789', account_holder_type: 'company' }, billing_details: { name: 'Acme MSP LLC' } });
    await page.close();
  });

  it('completes 3-D Secure for 4000 0027 6000 3184 in the modal', async () => {
    const page = await openForm();
    await fillCard(page, '4000 0027 6000 3184');
    await page.getByRole('button', { name: 'Save' }).click();
    const challenge = page.frameLocator('iframe[title="3D Secure authentication"]');
    await challenge.getByRole('button', { name: 'Complete authentication' }).waitFor();
    await screenshot(page, 'emulator-3ds-challenge');
    await challenge.getByRole('button', { name: 'Complete authentication' }).click();
    await expect.poll(() => page.getByTestId('status').textContent()).toBe('succeeded');
    const si = await stripe.setupIntents.retrieve(created.at(-1)?.id ?? '');
    expect(si.status).toBe('succeeded');
    expect((await stripe.paymentMethods.retrieve(si.payment_method as string)).card?.last4).toBe('3184');
    await page.close();
  });
});

interface Created {
  clientSecret: string;
  publishableKey: string;
  id?: string;
}

describe.skipIf(!chromiumAvailable)('Stripe.js stand-in methods called directly', () => {
  it('collectBankAccountForSetup → confirmUsBankAccountSetup → verifyMicrodepositsForSetup', async () => {
    const page = await browser.newPage();
    await page.goto(`${appUrl}blank`);
    const created = await page.evaluate(async () => (await fetch('/api/setup-intent', { method: 'POST' })).json() as Promise<Created>);
    const flow = page.evaluate(async ({ clientSecret, publishableKey }) => {
      const stripe = (window as any).Stripe(publishableKey);
      const collected = await stripe.collectBankAccountForSetup({ clientSecret, params: { payment_method_type: 'us_bank_account', payment_method_data: { billing_details: { name: 'Jenny Rosen', email: 'jenny@msp.test' } } } });
      const confirmed = await stripe.confirmUsBankAccountSetup(clientSecret);
      const verified = await stripe.verifyMicrodepositsForSetup(clientSecret, { amounts: [32, 45] });
      const retrieved = await stripe.retrieveSetupIntent(clientSecret);
      return [collected.setupIntent.status, confirmed.setupIntent.next_action.type, verified.setupIntent.status, retrieved.setupIntent.status];
    }, created);
    const dialog = page.getByRole('dialog', { name: 'Link your bank account' });
    await expect.poll(() => dialog.getByLabel('Account holder name').inputValue()).toBe('Jenny Rosen');
    await dialog.getByLabel('Routing number').fill('110000000');
    await dialog.getByLabel('Account number').fill('000123456789');
    await screenshot(page, 'emulator-collect-bank-account');
    await dialog.getByRole('button', { name: 'Link account' }).click();
    expect(await flow).toEqual(['requires_confirmation', 'verify_with_microdeposits', 'succeeded', 'succeeded']);
    const si = await stripe.setupIntents.retrieve(created.clientSecret.split('_secret_')[0] ?? '');
    expect((await stripe.paymentMethods.retrieve(si.payment_method as string)).billing_details).toMatchObject({ name: 'Jenny Rosen', email: 'jenny@msp.test' });
    await page.close();
  });

  it('confirmCardPayment with the card Element completes 3-D Secure; handleNextAction reports a failed one', async () => {
    const page = await browser.newPage();
    await page.goto(`${appUrl}blank`);
    const created = await page.evaluate(async () => (await fetch('/api/payment-intent', { method: 'POST' })).json() as Promise<Created>);
    await page.evaluate(({ publishableKey }) => {
      const stripe = (window as any).Stripe(publishableKey);
      const card = stripe.elements().create('card');
      card.mount('#card-element');
      (window as any).emu = { stripe, card };
    }, created);
    await page.getByLabel('Card number').fill('4000 0027 6000 3184');
    await page.getByLabel('Expiration date').fill('11 / 33');
    await page.getByLabel('Security code').fill('424');
    await screenshot(page, 'emulator-card-element');
    const paid = page.evaluate(async ({ clientSecret }) => {
      const { stripe, card } = (window as any).emu;
      const r = await stripe.confirmCardPayment(clientSecret, { payment_method: { card, billing_details: { name: 'Card Holder' } } });
      return r.error ? `error:${r.error.code}` : r.paymentIntent.status;
    }, created);
    await page.frameLocator('iframe[title="3D Secure authentication"]').getByRole('button', { name: 'Complete authentication' }).click();
    expect(await paid).toBe('succeeded');
    expect(await stripe.paymentIntents.retrieve(created.id ?? '')).toMatchObject({ status: 'succeeded', amount_received: 1500 });

    const again = await page.evaluate(async () => (await fetch('/api/payment-intent', { method: 'POST' })).json() as Promise<Created>);
    await stripe.paymentIntents.confirm(again.id ?? '', { payment_method: 'pm_card_authenticationRequired' });
    const failed = page.evaluate(async ({ clientSecret }) => {
      const r = await (window as any).emu.stripe.handleNextAction({ clientSecret });
      return r.error ? `error:${r.error.code}` : r.paymentIntent.status;
    }, again);
    await page.frameLocator('iframe[title="3D Secure authentication"]').getByRole('button', { name: 'Fail authentication' }).click();
    expect(await failed).toBe('error:payment_intent_authentication_failure');
    await page.close();
  });
});
