// The portal's invoice list under load: a client with 500 invoices, 200 requests in flight against a
// running Settle (real HTTP, real portal sessions, PostgreSQL when DATABASE_URL is set, else PGlite),
// GET /api/portal/invoices with the filters a client uses. Reports p50/p99 latency; then builds the
// portal and reports its JavaScript, gzipped (Stripe.js excluded: it is loaded from Stripe).
import { randomBytes } from 'node:crypto';
import { hashPassword } from '../server/auth/passwords';
import { InstallationScope } from '../server/db/tenant-scope';
import { createLogger } from '../server/logger';
import { startRuntime } from '../server/runtime';
import { openBenchDatabase } from './support/bench-database';
import { benchConfig, builtJsGzipKb, measureHttpFloor, percentile, startGetLoad } from './support/get-load';

const INVOICES = 500;
const CONCURRENCY = 200;
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 30_000);


await main();

async function main(): Promise<void> {
  const db = await openBenchDatabase('portal', { poolMax: 10 });
  const runtime = await startRuntime({ config: benchConfig(db.url), database: db.database, logger: createLogger({ level: 'warn' }), seed: false, cron: false });
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

  const load = startGetLoad({ base: runtime.url, cookie, paths, concurrency: CONCURRENCY });
  // Warm-up (JIT, connections, caches) for 1,000 requests and at least 2 s: the read cache keeps
  // nothing computed within a second of a write, and signing in just wrote the session.
  const warmUntil = performance.now() + 2_000;
  do await load.run(1000);
  while (performance.now() < warmUntil);
  const measured = await load.run(REQUESTS);
  await load.stop();
  console.error(`${REQUESTS} list requests, ${CONCURRENCY} in flight: ${(REQUESTS / measured.seconds).toFixed(0)}/s, p50 ${percentile(measured.latencies, 0.5).toFixed(1)} ms, p99 ${percentile(measured.latencies, 0.99).toFixed(1)} ms`);
  // The same load against a bare node:http server sending the first path's response: this machine's floor.
  const floor = await measureHttpFloor({ url: `${runtime.url}${paths[0]}`, cookie, concurrency: CONCURRENCY, requests: REQUESTS });
  console.error(`floor (bare node:http, same ${floor.bytes}-byte response, same load): ${floor.reqPerS}/s, p99 ${floor.p99} ms`);
  await runtime.shutdown('bench');
  await db.drop();

  const bundle = builtJsGzipKb('client-portal', 'portal');
  console.error(`portal JavaScript: ${bundle.files} files, ${bundle.kb} kB gzipped`);

  console.log(
    JSON.stringify({
      db: db.kind,
      invoices: INVOICES,
      concurrency: CONCURRENCY,
      requests: REQUESTS,
      req_per_s: Math.round(REQUESTS / measured.seconds),
      p50_ms: Number(percentile(measured.latencies, 0.5).toFixed(2)),
      p99_ms: Number(percentile(measured.latencies, 0.99).toFixed(2)),
      js_gzip_kb: bundle.kb,
      floor_req_per_s: floor.reqPerS,
      floor_p99_ms: floor.p99,
    }),
  );
}
