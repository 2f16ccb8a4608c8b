import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStripeEmulator } from '../create-stripe-emulator.js';
import { randomAlphanumeric } from '../core/ids.js';
import { startTestEmulator, waitFor, type TestEmulator } from '../test-support/start-emulator.js';

let t: TestEmulator;
let receiver: Server;
let receiverUrl = '';
const secrets = new Map<string, string>();
const received: Stripe.Event[] = [];
const verifier = new Stripe('sk_test_verifier');

beforeAll(async () => {
  t = await startTestEmulator({ bankSettlementDelayMs: 20, webhooks: { retryInitialDelayMs: 20, timeoutMs: 2000 } });
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const secret = secrets.get(req.url ?? '') ?? '';
      try {
        received.push(verifier.webhooks.constructEvent(Buffer.concat(chunks).toString('utf8'), String(req.headers['stripe-signature']), secret));
        res.writeHead(200).end();
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await t.emulator.close();
  await new Promise((r) => receiver.close(r));
});

async function endpoint(stripe: Stripe, path: string, events: Stripe.WebhookEndpointCreateParams.EnabledEvent[]): Promise<void> {
  const we = await stripe.webhookEndpoints.create({ url: `${receiverUrl}${path}`, enabled_events: events });
  secrets.set(path, we.secret ?? '');
}

// Deliveries run concurrently and Stripe guarantees no order, so compare as sorted sets (the
// emission order is asserted through events.list in refunds-disputes.test.ts).
const typesFor = (id: string) => received.filter((e) => (e.data.object as { id?: string; customer?: string }).id === id || (e.data.object as { customer?: string }).customer === id).map((e) => e.type).sort();

describe('signed webhook deliveries for refunds, disputes, mandates and cash balance', () => {
  it('delivers the events Settle listens to', async () => {
    const stripe = t.client();
    await endpoint(stripe, '/settle', [
      'refund.created',
      'refund.updated',
      'refund.failed',
      'charge.refunded',
      'charge.dispute.created',
      'charge.dispute.closed',
      'charge.dispute.funds_withdrawn',
      'mandate.updated',
      'cash_balance.funds_available',
      'customer_cash_balance_transaction.created',
    ]);
    const card = await stripe.paymentIntents.create({ amount: 2000, currency: 'usd', payment_method: 'pm_card_refundFail', confirm: true });
    const refund = await stripe.refunds.create({ payment_intent: card.id, amount: 500 });
    const disputed = await stripe.paymentIntents.create({ amount: 3000, currency: 'usd', payment_method: 'pm_card_createDispute', confirm: true });
    const [dispute] = (await stripe.disputes.list({ payment_intent: disputed.id })).data;
    await stripe.disputes.close(dispute?.id ?? '');
    const c = await stripe.customers.create({});
    const si = await stripe.setupIntents.create({
      customer: c.id,
      payment_method: 'pm_usBankAccount_success',
      confirm: true,
      mandate_data: { customer_acceptance: { type: 'online', online: { ip_address: '10.0.0.1', user_agent: 'vitest' } } },
    });
    await stripe.paymentMethods.detach(si.payment_method as string);
    await stripe.testHelpers.customers.fundCashBalance(c.id, { amount: 4000, currency: 'usd', reference: 'INV-77' });

    await waitFor(async () => received.length, () => received.some((e) => e.type === 'refund.failed'));
    await t.emulator.control.webhooksIdle();
    expect(typesFor(refund.id)).toEqual(['refund.created', 'refund.failed', 'refund.updated']);
    expect(received.filter((e) => e.type === 'charge.refunded').map((e) => (e.data.object as Stripe.Charge).amount_refunded)).toEqual([500]);
    expect(typesFor(dispute?.id ?? '')).toEqual(['charge.dispute.closed', 'charge.dispute.created', 'charge.dispute.funds_withdrawn']);
    expect(received.find((e) => e.type === 'mandate.updated')?.data.object).toMatchObject({ id: si.mandate, status: 'inactive' });
    expect(typesFor(c.id)).toEqual(['cash_balance.funds_available', 'customer_cash_balance_transaction.created']);
    expect(received.find((e) => e.type === 'cash_balance.funds_available')?.data.object).toMatchObject({ available: { usd: 4000 } });
  });
});

describe('snapshot', () => {
  it('keeps OAuth grants, refunds and disputes across restarts', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'emu-snap-')), 'state.json');
    const key = `sk_test_${randomAlphanumeric(20)}`;
    const first = await createStripeEmulator({ snapshotFile: file });
    const client = (port: number, k: string) => new Stripe(k, { host: '127.0.0.1', port, protocol: 'http', maxNetworkRetries: 0 });
    const { client_id } = first.control.accountKeys(key);
    const form = new URLSearchParams({ client_id, redirect_uri: 'http://settle.test/cb', decision: 'allow', scope: 'read_write', stripe_user_id: 'acct_SnapConnected1' });
    const res = await fetch(`${first.url}/oauth/authorize`, { method: 'POST', body: form, redirect: 'manual' });
    const code = new URL(res.headers.get('location') ?? '').searchParams.get('code') ?? '';
    const token = await client(first.port, key).oauth.token({ grant_type: 'authorization_code', code });
    const connected = client(first.port, token.access_token ?? '');
    const pi = await connected.paymentIntents.create({ amount: 1000, currency: 'usd', payment_method: 'pm_card_createDispute', confirm: true });
    const refund = await client(first.port, key).refunds.create({ payment_intent: (await client(first.port, key).paymentIntents.create({ amount: 500, currency: 'usd', payment_method: 'pm_card_visa', confirm: true })).id });
    await first.close();
    const second = await createStripeEmulator({ snapshotFile: file });
    try {
      const again = client(second.port, token.access_token ?? '');
      expect((await again.disputes.list({ payment_intent: pi.id })).data[0]?.status).toBe('needs_response');
      expect((await client(second.port, key).refunds.retrieve(refund.id)).status).toBe('succeeded');
      const refreshed = await client(second.port, key).oauth.token({ grant_type: 'refresh_token', refresh_token: token.refresh_token ?? '' });
      expect(refreshed.stripe_user_id).toBe('acct_SnapConnected1');
    } finally {
      await second.close();
    }
  });
});
