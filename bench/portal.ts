// The portal's invoice list under load: a client with 500 invoices, 200 requests in flight against a
// running Settle (real HTTP, real portal sessions, PostgreSQL when DATABASE_URL is set, else PGlite),
// GET /api/portal/invoices with the filters a client uses. Reports p50/p99 latency; then builds the
// portal and reports its JavaScript, gzipped (Stripe.js excluded: it is loaded from Stripe).
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { gzipSync } from 'node:zlib';
import { hashPassword } from '../server/auth/passwords';
import { parseConfig } from '../server/config/config';
import { InstallationScope } from '../server/db/tenant-scope';
import { createLogger } from '../server/logger';
import { startRuntime } from '../server/runtime';
import { openBenchDatabase } from './support/bench-database';

const INVOICES = 500;
const CONCURRENCY = 200;
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 6000);

function p(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? 0;
}

// The clients run on their own thread with kept-alive connections, so the load generator does not
// share the server's event loop.
const CLIENT_THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { base, cookie, paths, concurrency } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const target = new URL(base);
const get = (path) => new Promise((resolve, reject) => {
  const req = http.request({ agent, host: target.hostname, port: target.port, path, method: 'GET', headers: { cookie, accept: 'application/json' } }, (res) => {
    let size = 0;
    res.on('data', (c) => { size += c.length; });
    res.on('end', () => (res.statusCode === 200 && size > 0 ? resolve() : reject(new Error('GET ' + path + ' answered ' + res.statusCode))));
  });
  req.on('error', reject);
  req.end();
});
parentPort.on('message', async (count) => {
  const latencies = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) {
      const path = paths[next++ % paths.length];
      const t0 = performance.now();
      await get(path);
      latencies.push(performance.now() - t0);
    }
  }));
  parentPort.postMessage({ latencies, seconds: (performance.now() - started) / 1000 });
});
`;

await main();

async function main(): Promise<void> {
  const db = await openBenchDatabase('portal', { poolMax: 10 });
  const parsed = parseConfig({
    NODE_ENV: 'test',
    DEMO_MODE: 'false',
    PORT: '0',
    HOST: '127.0.0.1',
    PUBLIC_URL: 'http://127.0.0.1:3000',
    LOG_LEVEL: 'warn',
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    MARKETPLACE_SHARED_SECRET: randomBytes(24).toString('hex'),
    JOBS_ENABLED: 'false',
    STRIPE_SECRET_KEY: 'sk_test_bench_unused',
    STRIPE_PUBLISHABLE_KEY: 'pk_test_bench_unused',
    ...(db.url ? { DATABASE_URL: db.url } : {}),
  });
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  const runtime = await startRuntime({ config: parsed.config, database: db.database, logger: createLogger({ level: 'warn' }), seed: false, cron: false });
  const knex = db.database.knex;
  console.error(`settle at ${runtime.url} on ${db.kind}`);

  const [inst] = (await knex('installations').insert({ name: 'Bench MSP', psa_tenant_ref: `bench-${randomBytes(4).toString('hex')}`, currency: 'USD' }).returning('id')) as Array<{ id: string }>;
  const scope = new InstallationScope(knex, inst!.id);
  const [client] = (await scope.insert('clients', { psa_ref: 'C-1', name: 'Contoso', mapping_status: 'mapped', stripe_customer_id: 'cus_bench' }).returning('id')) as Array<{ id: string }>;
  const statuses = ['open', 'open', 'open', 'partially_paid', 'processing', 'paid', 'paid', 'void'];
  const rows = Array.from({ length: INVOICES }, (_, i) => {
    const status = statuses[i % statuses.length]!;
    const total = 10_000 + i * 37;
    const paid = status === 'paid' ? total : status === 'partially_paid' ? Math.floor(total / 2) : 0;
    const day = String(1 + (i % 28)).padStart(2, '0');
    const month = String(1 + (i % 12)).padStart(2, '0');
    return {
      client_id: client!.id, psa_ref: `I-${i}`, number: `INV-${10_000 + i}`, currency: 'USD', total, amount_paid: paid,
      amount_remaining: status === 'void' ? 0 : total - paid, status, issued_at: `2026-${month}-${day}`, due_date: `2026-${month}-${day}`,
    };
  });
  for (let i = 0; i < rows.length; i += 100) await scope.insert('invoices', rows.slice(i, i + 100));
  const email = 'bench@client.example';
  const password = 'bench portal password';
  await scope.forClient(client!.id).insert('portal_users', { email, name: 'Bench', password_hash: await hashPassword(password) });

  const login = await fetch(`${runtime.url}/api/portal/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: runtime.url }, body: JSON.stringify({ email, password }) });
  if (login.status !== 200) throw new Error(`login answered ${login.status}: ${await login.text()}`);
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const paths = ['/api/portal/invoices', '/api/portal/invoices?filter=all', '/api/portal/invoices?filter=overdue', '/api/portal/invoices?filter=all&page=5', '/api/portal/invoices?filter=unpaid&page=2&pageSize=50'];

  const sender = new Worker(CLIENT_THREAD, { eval: true, workerData: { base: runtime.url, cookie, paths, concurrency: CONCURRENCY } });
  const run = (count: number) =>
    new Promise<{ latencies: number[]; seconds: number }>((resolve, reject) => {
      sender.once('message', resolve);
      sender.once('error', reject);
      sender.postMessage(count);
    });
  await run(1000); // warm-up (JIT, connections, caches)
  const measured = await run(REQUESTS);
  await sender.terminate();
  console.error(`${REQUESTS} list requests, ${CONCURRENCY} in flight: ${(REQUESTS / measured.seconds).toFixed(0)}/s, p50 ${p(measured.latencies, 0.5).toFixed(1)} ms, p99 ${p(measured.latencies, 0.99).toFixed(1)} ms`);
  await runtime.shutdown('bench');
  await db.drop();

  const build = spawnSync('npx', ['vite', 'build', '--config', 'client-portal/vite.config.ts', '--logLevel', 'error'], { encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`portal build failed:\n${build.stdout}\n${build.stderr}`);
  const assets = join('dist', 'portal', 'assets');
  const js = readdirSync(assets).filter((f) => f.endsWith('.js'));
  const gzipBytes = js.reduce((sum, f) => sum + gzipSync(readFileSync(join(assets, f)), { level: 9 }).length, 0);
  console.error(`portal JavaScript: ${js.length} files, ${(gzipBytes / 1024).toFixed(1)} kB gzipped`);

  console.log(
    JSON.stringify({
      db: db.kind,
      invoices: INVOICES,
      concurrency: CONCURRENCY,
      requests: REQUESTS,
      req_per_s: Math.round(REQUESTS / measured.seconds),
      p50_ms: Number(p(measured.latencies, 0.5).toFixed(2)),
      p99_ms: Number(p(measured.latencies, 0.99).toFixed(2)),
      js_gzip_kb: Number((gzipBytes / 1024).toFixed(1)),
    }),
  );
}
