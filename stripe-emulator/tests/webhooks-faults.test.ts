import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestEmulator, waitFor, type TestEmulator } from '../test-support/start-emulator.js';

interface Received {
  event: Stripe.Event;
}

let t: TestEmulator;
let receiver: Server;
let receiverUrl = '';
let secret = '';
let failNext = 0;
let received: Received[] = [];
const verifier = new Stripe('sk_test_verifier');

beforeAll(async () => {
  t = await startTestEmulator({ webhooks: { retryInitialDelayMs: 20, timeoutMs: 2000 } });
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (failNext > 0) {
        failNext--;
        res.writeHead(500).end();
        return;
      }
      try {
        const event = verifier.webhooks.constructEvent(Buffer.concat(chunks).toString('utf8'), String(req.headers['stripe-signature']), secret);
        received.push({ event });
        res.writeHead(200).end();
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhook`;
});
afterAll(async () => {
  await t.emulator.close();
  await new Promise((r) => receiver.close(r));
});
beforeEach(() => {
  received = [];
  failNext = 0;
  t.emulator.control.setFaults({ latencyMs: 0, jitterMs: 0, rateLimitPerSecond: 0, errorRate: 0, dropRate: 0 });
  t.emulator.control.setWebhookDelivery({ outOfOrder: false, duplicateRate: 0 });
});

async function endpoint(stripe: Stripe, events: Stripe.WebhookEndpointCreateParams.EnabledEvent[]): Promise<Stripe.WebhookEndpoint> {
  const we = await stripe.webhookEndpoints.create({ url: receiverUrl, enabled_events: events });
  secret = we.secret ?? '';
  return we;
}

describe('webhooks', () => {
  it('delivers signed events filtered by enabled_events; manages endpoints', async () => {
    const stripe = t.client();
    const we = await endpoint(stripe, ['customer.created']);
    expect(we.secret).toMatch(/^whsec_/);
    const c = await stripe.customers.create({ name: 'hook' });
    await stripe.customers.update(c.id, { name: 'hook2' });
    await t.emulator.control.webhooksIdle();
    expect(received.map((r) => r.event.type)).toEqual(['customer.created']);
    expect((received[0]?.event.data.object as Stripe.Customer).id).toBe(c.id);
    const event = await stripe.events.retrieve(received[0]?.event.id ?? '');
    expect(event.pending_webhooks).toBe(0);
    expect((await stripe.webhookEndpoints.list()).data).toHaveLength(1);
    const upd = await stripe.webhookEndpoints.update(we.id, { enabled_events: ['*'] });
    expect(upd.enabled_events).toEqual(['*']);
    expect(upd.secret).toBeUndefined();
    expect(await stripe.webhookEndpoints.del(we.id)).toMatchObject({ deleted: true });
  });

  it('retries after a 500 from the receiver', async () => {
    const stripe = t.client();
    await endpoint(stripe, ['*']);
    failNext = 2;
    const c = await stripe.customers.create({});
    await t.emulator.control.webhooksIdle();
    expect(received.map((r) => (r.event.data.object as Stripe.Customer).id)).toEqual([c.id]);
    const attempts = t.emulator.control.webhookAttempts().filter((a) => a.eventId === received[0]?.event.id);
    expect(attempts.map((a) => a.status)).toEqual([500, 500, 200]);
  });

  it('delivers out of order and with duplicates in chaos mode', async () => {
    const stripe = t.client();
    await endpoint(stripe, ['customer.created']);
    t.emulator.control.setWebhookDelivery({ outOfOrder: true, duplicateRate: 1 });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await stripe.customers.create({})).id);
    await waitFor(async () => received.length, (n) => n >= 10);
    const order = received.map((r) => (r.event.data.object as Stripe.Customer).id);
    expect(new Set(order)).toEqual(new Set(ids));
    expect(order.length).toBe(10);
    const firstSeen = order.filter((id, i) => order.indexOf(id) === i);
    expect(firstSeen).not.toEqual(ids);
  });
});

describe('faults', () => {
  it('adds latency', async () => {
    const stripe = t.client();
    t.emulator.control.setFaults({ latencyMs: 150, jitterMs: 20 });
    const start = Date.now();
    await stripe.customers.list();
    expect(Date.now() - start).toBeGreaterThanOrEqual(150);
  });

  it('rate limits per account with 429', async () => {
    const stripe = t.client();
    const other = t.client();
    t.emulator.control.setFaults({ rateLimitPerSecond: 5 });
    const results = await Promise.allSettled(Array.from({ length: 12 }, () => stripe.customers.list()));
    const limited = results.filter((r) => r.status === 'rejected');
    expect(limited.length).toBeGreaterThanOrEqual(6);
    expect((limited[0] as PromiseRejectedResult).reason).toMatchObject({ statusCode: 429, code: 'rate_limit' });
    await expect(other.customers.list()).resolves.toMatchObject({ object: 'list' });
  });

  it('injects 500s that an idempotency key replays', async () => {
    const stripe = t.client();
    t.emulator.control.setFaults({ errorRate: 1 });
    await expect(stripe.customers.create({}, { idempotencyKey: 'f1' })).rejects.toMatchObject({ statusCode: 500, type: 'StripeAPIError' });
    t.emulator.control.setFaults({ errorRate: 0 });
    const replay = await stripe.customers.create({}, { idempotencyKey: 'f1' }).catch((e: Stripe.errors.StripeError) => e);
    expect(replay).toMatchObject({ statusCode: 500 });
    expect((await stripe.customers.list()).data).toHaveLength(0);
  });

  it('drops connections', async () => {
    const stripe = t.client();
    t.emulator.control.setFaults({ dropRate: 1 });
    await expect(stripe.customers.create({})).rejects.toBeInstanceOf(Stripe.errors.StripeConnectionError);
    t.emulator.control.setFaults({ dropRate: 0 });
    expect((await stripe.customers.list()).data).toHaveLength(0);
  });

  it('is controllable over HTTP, and reset forgets state', async () => {
    const res = await fetch(`${t.emulator.url}/_emulator/faults`, { method: 'POST', body: JSON.stringify({ errorRate: 0.5 }) });
    expect(await res.json()).toMatchObject({ errorRate: 0.5 });
    const stripe = t.client({ key: 'sk_test_resetme' });
    await fetch(`${t.emulator.url}/_emulator/faults`, { method: 'POST', body: JSON.stringify({ errorRate: 0 }) });
    const c = await stripe.customers.create({});
    await fetch(`${t.emulator.url}/_emulator/reset`, { method: 'POST' });
    await expect(stripe.customers.retrieve(c.id)).rejects.toMatchObject({ statusCode: 404 });
  });
});
