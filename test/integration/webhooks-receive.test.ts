// POST /webhooks/stripe/:installationId over real HTTP: only correctly signed, fresh deliveries for a
// known installation are stored; everything else is a 400 that stores nothing. Duplicates store once.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebhookEndpoint } from '../../server/webhooks/ensure-webhook-endpoint';
import { startTestApp, type TestApp } from '../support/test-app';
import { connectInstallationToEmulator, eventPayload, postWebhook, signedHeader, webhookSecretOf } from '../support/webhook-fixtures';

let app: TestApp;
let installationId: string;
let secret: string;

const count = async () => Number(((await app.db.database.knex('stripe_events').count({ n: '*' })) as Array<{ n: number }>)[0]!.n);

beforeAll(async () => {
  app = await startTestApp({ stripeEmulator: true });
  const ctx = app.runtime.ctx;
  const inst = await connectInstallationToEmulator(ctx.db, ctx.secrets, app.emulator!);
  installationId = inst.id;
  await ensureWebhookEndpoint(ctx, installationId);
  secret = await webhookSecretOf(ctx.db, ctx.secrets, installationId);
});
afterAll(async () => {
  await app?.close();
});

describe('Stripe webhook signature checks', () => {
  const pi = { id: 'pi_sig_test', object: 'payment_intent', status: 'succeeded' };

  it('refuses a wrong secret, a tampered body, a stale timestamp and a missing signature, storing nothing', async () => {
    const before = await count();
    const payload = eventPayload('payment_intent.succeeded', pi);
    const wrong = await postWebhook(app.url, installationId, payload, signedHeader(payload, 'whsec_not_the_right_one'));
    expect(wrong).toMatchObject({ status: 400, body: { error: { code: 'WEBHOOK_SIGNATURE_INVALID' } } });
    const tampered = await postWebhook(app.url, installationId, payload.replace('succeeded', 'canceled'), signedHeader(payload, secret));
    expect(tampered).toMatchObject({ status: 400, body: { error: { code: 'WEBHOOK_SIGNATURE_INVALID' } } });
    const stale = await postWebhook(app.url, installationId, payload, signedHeader(payload, secret, Math.floor(app.clock.now().getTime() / 1000) - 301));
    expect(stale).toMatchObject({ status: 400, body: { error: { code: 'WEBHOOK_SIGNATURE_INVALID' } } });
    const unsigned = await postWebhook(app.url, installationId, payload, null);
    expect(unsigned.status).toBe(400);
    const garbage = await postWebhook(app.url, installationId, payload, 't=1,v1=deadbeef');
    expect(garbage.status).toBe(400);
    expect(await count()).toBe(before);
  });

  it('answers an unknown installation exactly like a bad signature (400, nothing stored, no 404/500)', async () => {
    const before = await count();
    const payload = eventPayload('payment_intent.succeeded', pi);
    const unknown = await postWebhook(app.url, randomUUID(), payload, signedHeader(payload, secret));
    expect(unknown).toMatchObject({ status: 400, body: { error: { code: 'WEBHOOK_SIGNATURE_INVALID' } } });
    const notUuid = await postWebhook(app.url, 'not-an-installation', payload, signedHeader(payload, secret));
    expect(notUuid).toMatchObject({ status: 400, body: { error: { code: 'WEBHOOK_SIGNATURE_INVALID' } } });
    const notJson = await postWebhook(app.url, installationId, payload, signedHeader(payload, secret), 'text/plain');
    expect(notJson).toMatchObject({ status: 400, body: { error: { code: 'WEBHOOK_PAYLOAD_INVALID' } } });
    expect(await count()).toBe(before);
  });

  it('refuses an installation whose connection has no webhook secret', async () => {
    const ctx = app.runtime.ctx;
    const other = await connectInstallationToEmulator(ctx.db, ctx.secrets, app.emulator!);
    const before = await count();
    const payload = eventPayload('payment_intent.succeeded', pi);
    expect((await postWebhook(app.url, other.id, payload, signedHeader(payload, secret))).status).toBe(400);
    expect(await count()).toBe(before);
  });
});

describe('Stripe webhook storage', () => {
  it('stores a signed event before answering 200, once however often it is delivered', async () => {
    const payload = eventPayload('payment_intent.processing', { id: 'pi_store_test', object: 'payment_intent' });
    const eventId = JSON.parse(payload).id as string;
    const first = await postWebhook(app.url, installationId, payload, signedHeader(payload, secret));
    expect(first).toEqual({ status: 200, body: { received: true } });
    // The row exists when the 200 arrives: it was stored before the answer.
    const row = await app.db.database.knex('stripe_events').where({ stripe_event_id: eventId }).first();
    expect(row).toMatchObject({ installation_id: installationId, type: 'payment_intent.processing', status: 'pending', object_id: 'pi_store_test', attempts: 0 });
    expect(row.payload.id).toBe(eventId);
    const again = await Promise.all([1, 2, 3].map(() => postWebhook(app.url, installationId, payload, signedHeader(payload, secret))));
    expect(again.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(await app.db.database.knex('stripe_events').where({ stripe_event_id: eventId }).count({ n: '*' })).toEqual([{ n: 1 }]);
  });

  it('acknowledges and ignores event types Settle does not handle', async () => {
    const payload = eventPayload('invoice.created', { id: 'in_123', object: 'invoice' });
    expect((await postWebhook(app.url, installationId, payload, signedHeader(payload, secret))).status).toBe(200);
    const row = await app.db.database.knex('stripe_events').where({ stripe_event_id: JSON.parse(payload).id }).first('status', 'processed_at');
    expect(row.status).toBe('ignored');
    expect(row.processed_at).toBeInstanceOf(Date);
  });

  it('accepts deliveries signed with a recreated endpoint secret at once', async () => {
    const ctx = app.runtime.ctx;
    const { stripe } = await ctx.stripe.forInstallation(ctx.db, installationId);
    const before = (await ctx.db('stripe_connections').where({ installation_id: installationId }).first('webhook_endpoint_id')) as { webhook_endpoint_id: string };
    await stripe.webhookEndpoints.del(before.webhook_endpoint_id);
    expect((await ensureWebhookEndpoint(ctx, installationId)).action).toBe('created');
    const fresh = await webhookSecretOf(ctx.db, ctx.secrets, installationId);
    expect(fresh).not.toBe(secret);
    const payload = eventPayload('payment_intent.canceled', { id: 'pi_rotated', object: 'payment_intent' });
    expect((await postWebhook(app.url, installationId, payload, signedHeader(payload, fresh))).status).toBe(200);
    expect((await postWebhook(app.url, installationId, payload, signedHeader(payload, secret))).status).toBe(400);
    secret = fresh;
  });

  it('refuses an oversized body (413, declared or streamed), a compressed body (415) and other methods, storing nothing', async () => {
    const before = await count();
    const big = JSON.stringify({ id: 'evt_big', padding: 'x'.repeat(1024 * 1024 + 10) });
    const declared = await postWebhook(app.url, installationId, big, signedHeader(big, secret));
    expect(declared).toMatchObject({ status: 413, body: { error: { code: 'PAYLOAD_TOO_LARGE' } } });
    // Chunked (no Content-Length): counted while it streams.
    const chunks = [big.slice(0, 600_000), big.slice(600_000)];
    const stream = new ReadableStream({ pull(c) { const next = chunks.shift(); if (next) c.enqueue(new TextEncoder().encode(next)); else c.close(); } });
    const streamed = await fetch(`${app.url}/webhooks/stripe/${installationId}`, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': signedHeader(big, secret) }, body: stream, duplex: 'half' } as RequestInit);
    expect(streamed.status).toBe(413);
    const payload = eventPayload('payment_intent.succeeded', { id: 'pi_gzip', object: 'payment_intent' });
    const gzipped = await fetch(`${app.url}/webhooks/stripe/${installationId}`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', 'stripe-signature': signedHeader(payload, secret) }, body: payload });
    expect(gzipped.status).toBe(415);
    expect((await fetch(`${app.url}/webhooks/stripe/${installationId}`)).status).toBe(404);
    expect(await count()).toBe(before);
  });

  it('never logs the webhook secret', () => {
    expect(app.logs.join('\n')).not.toContain(secret);
  });
});
