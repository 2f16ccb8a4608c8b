// Webhook acknowledgement throughput and exactly-once processing: signed Stripe events posted over
// loopback to a running Settle (real HTTP server, real database — PostgreSQL when DATABASE_URL is
// set, else PGlite — and the Stripe emulator through the SDK for the handlers' re-fetches), 32 in
// flight. Measures acks/s and latency, then waits for the workers to drain and checks that every
// event was stored once and processed exactly once (attempts = 1), and that every payment made its
// pending → succeeded transition exactly once, despite duplicate deliveries of the same events.
import { openBenchDatabase } from './support/bench-database';
import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import { parseConfig } from '../server/config/config';
import { InstallationScope } from '../server/db/tenant-scope';
import { createLogger } from '../server/logger';
import { registerPaymentTransitionHook } from '../server/payments/payment-transition-hooks';
import { startRuntime } from '../server/runtime';
import { endpointFromUrl } from '../server/stripe/stripe-clients';
import { emulatorAccountId, startEmulatorProcess } from './support/emulator-process';
import { Worker } from 'node:worker_threads';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 5000);
const CONCURRENCY = 32;
const PAYMENTS = 200;
const DUPLICATE_RATE = 0.05;

function p(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? 0;
}



// Plain JavaScript (a worker cannot load TypeScript here): the signature is Stripe's scheme,
// t=<unix>,v1=HMAC-SHA256("<t>.<payload>"), exactly what stripe.webhooks.generateTestHeaderString makes.
const CLIENT_THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHmac } = require('node:crypto');
const http = require('node:http');
const { url, secret, concurrency } = workerData;
// node:http with keep-alive rather than fetch: undici's per-request cost would make the load
// generator, not the server, the bottleneck on a small machine.
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const target = new URL(url);
const sign = (payload) => { const t = Math.floor(Date.now() / 1000); return 't=' + t + ',v1=' + createHmac('sha256', secret).update(t + '.' + payload).digest('hex'); };
const post = (payload) => new Promise((resolve, reject) => {
  const body = Buffer.from(payload);
  const req = http.request({ agent, host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length, 'stripe-signature': sign(payload) } }, (res) => {
    res.on('data', () => {});
    res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error('webhook answered ' + res.statusCode))));
  });
  req.on('error', reject);
  req.end(body);
});
// One run per message, on the same kept-alive connections (the warm-up opens them).
parentPort.on('message', async (payloads) => {
  const latencies = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < payloads.length) {
      const payload = payloads[next++];
      const t0 = performance.now();
      await post(payload);
      latencies.push(performance.now() - t0);
    }
  }));
  parentPort.postMessage({ latencies, seconds: (performance.now() - started) / 1000 });
});
`;

await main();

async function main(): Promise<void> {
const db = await openBenchDatabase('webhooks');
const emulator = await startEmulatorProcess();
const parsed = parseConfig({
  NODE_ENV: 'test',
  DEMO_MODE: 'false',
  PORT: '0',
  HOST: '127.0.0.1',
  PUBLIC_URL: 'http://127.0.0.1:3000',
  LOG_LEVEL: 'warn',
  ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  MARKETPLACE_SHARED_SECRET: randomBytes(24).toString('hex'),
  JOBS_ENABLED: process.env.BENCH_JOBS ?? 'true',
  ...(db.url ? { DATABASE_URL: db.url } : {}),
});
if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
const runtime = await startRuntime({
  config: parsed.config,
  database: db.database,
  logger: createLogger({ level: 'warn' }),
  seed: false,
  cron: false,
  stripeEndpoint: endpointFromUrl(emulator.url),
});
const { ctx } = runtime;
console.error(`settle at ${runtime.url} on ${db.kind}; emulator at ${emulator.url}`);

// One connected installation with a webhook secret, and PAYMENTS card payments Settle created.
const knex = db.database.knex;
const [inst] = (await knex('installations').insert({ name: 'Bench MSP', psa_tenant_ref: `bench-${randomBytes(4).toString('hex')}`, currency: 'USD' }).returning('id')) as Array<{ id: string }>;
const installationId = inst!.id;
const scope = new InstallationScope(knex, installationId);
const secretKey = `sk_test_bench${randomBytes(8).toString('hex')}`;
const webhookSecret = `whsec_${randomBytes(24).toString('hex')}`;
const [conn] = (await scope.insert('stripe_connections', { mode: 'emulator', account_id: await emulatorAccountId(emulator.url, secretKey), livemode: false }).returning('id')) as Array<{ id: string }>;
await scope.from('stripe_connections').where({ id: conn!.id }).update({ secret_enc: ctx.secrets.seal(secretKey, conn!.id), webhook_secret_enc: ctx.secrets.seal(webhookSecret, conn!.id) });
const [client] = (await scope.insert('clients', { psa_ref: 'C-1', name: 'Contoso' }).returning('id')) as Array<{ id: string }>;
const stripe = new Stripe(secretKey, { host: '127.0.0.1', port: emulator.port, protocol: 'http', maxNetworkRetries: 0 });
const intents: string[] = [];
for (let i = 0; i < PAYMENTS; i++) {
  const pi = await stripe.paymentIntents.create({ amount: 1000 + i, currency: 'usd', payment_method: 'pm_card_visa', confirm: true });
  intents.push(pi.id);
}
await scope.insert('payments', intents.map((id, i) => ({ client_id: client!.id, source: 'portal', status: 'pending', amount: 1000 + i, currency: 'USD', stripe_payment_intent_id: id, idempotency_key: `pay:${id}` })));
const transitions = new Map<string, number>();
registerPaymentTransitionHook(async (_scope, t) => {
  transitions.set(t.paymentId, (transitions.get(t.paymentId) ?? 0) + 1);
});

// The events: mostly about Settle's payments (re-fetched and converged), some about objects Settle
// does not know (not fetched), some of types it does not handle (stored as ignored).
function makeEvent(i: number): string {
  const r = i % 20;
  const created = Math.floor(Date.now() / 1000);
  const base = { id: `evt_bench_${i}_${randomBytes(6).toString('hex')}`, object: 'event', api_version: Stripe.API_VERSION, created, livemode: false, pending_webhooks: 1, request: { id: null, idempotency_key: null } };
  const pi = intents[Math.floor(i / 20) % intents.length]!;
  if (r < 12) return JSON.stringify({ ...base, type: 'payment_intent.succeeded', data: { object: { id: pi, object: 'payment_intent', status: 'succeeded', amount: 1000 } } });
  if (r < 16) return JSON.stringify({ ...base, type: 'payment_intent.processing', data: { object: { id: pi, object: 'payment_intent', status: 'processing', amount: 1000 } } });
  if (r < 18) return JSON.stringify({ ...base, type: 'customer.updated', data: { object: { id: `cus_unknown_${i}`, object: 'customer' } } });
  return JSON.stringify({ ...base, type: 'invoice.created', data: { object: { id: `in_${i}`, object: 'invoice' } } });
}

// The load generator runs on its own thread (its own event loop, like Stripe's senders are other
// machines): signing and HTTP client work do not steal the server's event loop.
const sender = new Worker(CLIENT_THREAD, { eval: true, workerData: { url: `${runtime.url}/webhooks/stripe/${installationId}`, secret: webhookSecret, concurrency: CONCURRENCY } });
function run(payloads: string[]): Promise<{ latencies: number[]; seconds: number }> {
  return new Promise((resolve, reject) => {
    sender.once('message', resolve);
    sender.once('error', reject);
    sender.postMessage(payloads);
  });
}

const warmup = Array.from({ length: 300 }, (_, i) => makeEvent(EVENTS + i));
await run(warmup);
const unique = Array.from({ length: EVENTS }, (_, i) => makeEvent(i));
const payloads: string[] = [];
for (const payload of unique) {
  payloads.push(payload);
  if (Math.random() < DUPLICATE_RATE) payloads.splice(Math.floor(Math.random() * payloads.length), 0, payload);
}
console.error(`posting ${payloads.length} signed deliveries (${payloads.length - unique.length} duplicates), ${CONCURRENCY} in flight`);
const measured = await run(payloads);
const ackPerS = payloads.length / measured.seconds;
console.error(`acknowledged ${payloads.length} in ${measured.seconds.toFixed(2)} s: ${ackPerS.toFixed(0)}/s, p50 ${p(measured.latencies, 0.5).toFixed(1)} ms, p99 ${p(measured.latencies, 0.99).toFixed(1)} ms`);

const drainStarted = performance.now();
for (;;) {
  const [row] = (await knex('stripe_events').where({ installation_id: installationId }).whereIn('status', ['pending', 'processing', 'failed']).count({ n: '*' })) as Array<{ n: number }>;
  if (Number(row!.n) === 0) break;
  if (performance.now() - drainStarted > 300_000) break;
  if (Math.floor((performance.now() - drainStarted) / 100) % 50 === 0) console.error(`draining: ${row!.n} left`);
  await new Promise((r) => setTimeout(r, 100));
}
const drainSeconds = (performance.now() - drainStarted) / 1000;
const expectedIds = new Set([...unique, ...warmup].map((s) => (JSON.parse(s) as { id: string }).id));
const rows = (await knex('stripe_events').where({ installation_id: installationId }).select('stripe_event_id', 'type', 'status', 'attempts')) as Array<{ stripe_event_id: string; type: string; status: string; attempts: number }>;
const storedOnce = rows.length === expectedIds.size && rows.every((r) => expectedIds.has(r.stripe_event_id));
const processedOnce = rows.every((r) => (r.type === 'invoice.created' ? r.status === 'ignored' && r.attempts === 0 : r.status === 'processed' && r.attempts === 1));
const paymentRows = (await scope.from('payments').select('id', 'status')) as Array<{ id: string; status: string }>;
const touched = new Set([...unique, ...warmup].map((s) => JSON.parse(s) as { type: string; data: { object: { id: string } } }).filter((e) => e.type.startsWith('payment_intent.')).map((e) => e.data.object.id));
const intentOf = new Map(((await scope.from('payments').select('id', 'stripe_payment_intent_id')) as Array<{ id: string; stripe_payment_intent_id: string }>).map((r) => [r.id, r.stripe_payment_intent_id]));
const transitionsOnce = paymentRows.every((r) =>
  touched.has(intentOf.get(r.id)!) ? r.status === 'succeeded' && transitions.get(r.id) === 1 : r.status === 'pending' && !transitions.has(r.id),
);
console.error(`drained in ${drainSeconds.toFixed(2)} s; stored once: ${storedOnce}; processed once: ${processedOnce}; one transition per payment: ${transitionsOnce}`);

await sender.terminate();
await runtime.shutdown('bench');
await emulator.close();
await db.drop();
console.log(
  JSON.stringify({
    db: db.kind,
    events: payloads.length,
    unique_events: unique.length,
    duplicates: payloads.length - unique.length,
    concurrency: CONCURRENCY,
    ack_per_s: Math.round(ackPerS),
    p50_ms: Number(p(measured.latencies, 0.5).toFixed(2)),
    p99_ms: Number(p(measured.latencies, 0.99).toFixed(2)),
    drain_s: Number(drainSeconds.toFixed(2)),
    processed_exactly_once: storedOnce && processedOnce && transitionsOnce,
  }),
);
}
