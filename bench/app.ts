// The technician's clients list under load: 10,000 clients (with invoices, payments and bank accounts
// awaiting verification, so every filter has work), 100 requests in flight against a running Settle
// (real HTTP, a real staff session, PostgreSQL when DATABASE_URL is set, else PGlite), GET
// /api/app/clients with the searches, filters, sorts and pages a technician uses. Reports p50/p99;
// then builds the technician UI and reports its JavaScript, gzipped.
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { hashPassword } from '../server/auth/passwords';
import { InstallationScope } from '../server/db/tenant-scope';
import { createLogger } from '../server/logger';
import { startRuntime } from '../server/runtime';
import { openBenchDatabase } from './support/bench-database';
import { benchConfig, builtJsGzipKb, measureHttpFloor, percentile, startGetLoad } from './support/get-load';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 10_000);
const INVOICES_PER_CLIENT = 5;
const CONCURRENCY = 100;
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 30_000);


const NAMES = ['Contoso', 'Northwind', 'Fabrikam', 'Litware', 'Adventure Works', 'Tailspin', 'Wingtip', 'Proseware', 'Lucerne', 'Woodgrove'];
const SUFFIXES = ['Dental', 'Legal', 'Logistics', 'Clinic', 'Holdings', 'Labs', 'Partners', 'Foods', 'Realty', 'Motors'];

/** 10,000 clients with invoices in every state, payments (some failed last) and pending bank accounts. */
export async function seed(knex: Knex, scope: InstallationScope): Promise<void> {
  const clientIds: string[] = [];
  for (let start = 0; start < CLIENTS; start += 1000) {
    const rows = Array.from({ length: Math.min(1000, CLIENTS - start) }, (_, k) => {
      const i = start + k;
      return {
        psa_ref: `PSA-${100000 + i}`,
        name: `${NAMES[i % NAMES.length]} ${SUFFIXES[Math.floor(i / NAMES.length) % SUFFIXES.length]} ${i}`,
        email: `billing${i}@client${i}.example`,
        stripe_customer_id: i % 4 === 3 ? null : `cus_bench${i.toString(36).padStart(6, '0')}`,
        mapping_status: i % 4 === 3 ? (i % 8 === 7 ? 'ignored' : 'unmapped') : 'mapped',
        autopay_enabled: i % 3 === 0,
      };
    });
    const inserted = (await scope.insert('clients', rows).returning('id')) as Array<{ id: string }>;
    clientIds.push(...inserted.map((r) => r.id));
  }
  const statuses = ['open', 'open', 'partially_paid', 'paid', 'processing'];
  const invoices: Record<string, unknown>[] = [];
  clientIds.forEach((clientId, c) => {
    for (let k = 0; k < INVOICES_PER_CLIENT; k++) {
      const status = (c + k) % 7 === 0 ? 'paid' : statuses[(c * 3 + k) % statuses.length]!;
      const total = 5_000 + ((c * 7919 + k * 104729) % 500_000);
      const paid = status === 'paid' ? total : status === 'partially_paid' ? Math.floor(total / 3) : 0;
      const month = 1 + ((c + k * 5) % 12);
      const day = 1 + ((c * 13 + k) % 28);
      const date = `2026-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
      invoices.push({ client_id: clientId, psa_ref: `I-${c}-${k}`, number: `INV-${c * 10 + k}`, currency: 'USD', total, amount_paid: paid, amount_remaining: total - paid, status, issued_at: date, due_date: date });
    }
  });
  for (let i = 0; i < invoices.length; i += 2000) await scope.insert('invoices', invoices.slice(i, i + 2000));
  const payments: Record<string, unknown>[] = [];
  clientIds.forEach((clientId, c) => {
    if (c % 2 === 1) return;
    const failedLast = c % 10 === 0;
    const base = Date.UTC(2026, 9, 1) + (c % 60) * 86_400_000;
    payments.push({ client_id: clientId, source: 'portal', status: 'succeeded', amount: 12_345, currency: 'USD', method_type: 'card', succeeded_at: new Date(base), created_at: new Date(base) });
    payments.push({ client_id: clientId, source: 'autopay', status: failedLast ? 'failed' : 'succeeded', amount: 23_456, currency: 'USD', method_type: c % 4 === 0 ? 'us_bank_account' : 'card', failure_code: failedLast ? 'card_declined' : null, decline_code: failedLast ? 'insufficient_funds' : null, succeeded_at: failedLast ? null : new Date(base + 3_600_000), created_at: new Date(base + 3_600_000) });
  });
  for (let i = 0; i < payments.length; i += 2000) await scope.insert('payments', payments.slice(i, i + 2000));
  const methods = clientIds
    .filter((_, c) => c % 25 === 0)
    .map((clientId, k) => ({ client_id: clientId, type: 'us_bank_account', status: 'pending_verification', microdeposit_type: 'amounts', bank_name: 'STRIPE TEST BANK', last4: '6789', added_by_kind: 'client', stripe_payment_method_id: `pm_bench_${k}` }));
  await scope.insert('payment_methods', methods);
  await knex.raw('vacuum analyze'); // the steady state autovacuum keeps: index-only scans work
}

if (!process.env.BENCH_APP_NO_MAIN) await main();

async function main(): Promise<void> {
  const db = await openBenchDatabase('app', { poolMax: 10 });
  const runtime = await startRuntime({ config: benchConfig(db.url), database: db.database, logger: createLogger({ level: 'warn' }), seed: false, cron: false });
  const knex = db.database.knex;
  console.error(`settle at ${runtime.url} on ${db.kind}`);

  const [inst] = (await knex('installations').insert({ name: 'Bench MSP', psa_tenant_ref: `bench-${randomBytes(4).toString('hex')}`, currency: 'USD' }).returning('id')) as Array<{ id: string }>;
  const scope = new InstallationScope(knex, inst!.id);
  const seeded = performance.now();
  await seed(knex, scope);
  console.error(`seeded ${CLIENTS} clients, ${CLIENTS * INVOICES_PER_CLIENT} invoices in ${((performance.now() - seeded) / 1000).toFixed(1)} s`);
  const email = 'bench-tech@msp.example';
  const password = 'bench technician password';
  await scope.insert('staff_users', { email, name: 'Bench Tech', role: 'technician', password_hash: await hashPassword(password) });

  const login = await fetch(`${runtime.url}/api/app/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: runtime.url }, body: JSON.stringify({ email, password }) });
  if (login.status !== 200) throw new Error(`login answered ${login.status}: ${await login.text()}`);
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const paths = [
    '/api/app/clients',
    '/api/app/clients?page=7',
    '/api/app/clients?search=fabrikam%20labs',
    '/api/app/clients?search=cus_bench000',
    '/api/app/clients?balance=overdue&sort=oldest_overdue',
    '/api/app/clients?sort=balance',
    '/api/app/clients?failed=true',
    '/api/app/clients?autopay=on&mapping=mapped',
    '/api/app/clients?verification=awaiting',
    '/api/app/clients?sort=last_payment&page=3',
  ];

  const load = startGetLoad({ base: runtime.url, cookie, paths, concurrency: CONCURRENCY });
  // Warm-up (JIT, connections, caches) for 1,000 requests and at least 2 s: the read cache keeps
  // nothing computed within a second of a write, and signing in just wrote the session.
  const warmUntil = performance.now() + 2_000;
  do await load.run(1000);
  while (performance.now() < warmUntil);
  const measured = await load.run(REQUESTS);
  await load.stop();
  // One request alone, after the load: what a technician waits for on a quiet server.
  const single: number[] = [];
  for (let i = 0; i < 50; i++) {
    const t0 = performance.now();
    const res = await fetch(`${runtime.url}${paths[i % paths.length]}`, { headers: { cookie } });
    await res.arrayBuffer();
    single.push(performance.now() - t0);
  }
  console.error(`${REQUESTS} list requests, ${CONCURRENCY} in flight: ${(REQUESTS / measured.seconds).toFixed(0)}/s, p50 ${percentile(measured.latencies, 0.5).toFixed(1)} ms, p99 ${percentile(measured.latencies, 0.99).toFixed(1)} ms; unloaded p50 ${percentile(single, 0.5).toFixed(1)} ms`);
  // The same load against a bare node:http server sending the first path's response: this machine's floor.
  const floor = await measureHttpFloor({ url: `${runtime.url}${paths[0]}`, cookie, concurrency: CONCURRENCY, requests: REQUESTS });
  console.error(`floor (bare node:http, same ${floor.bytes}-byte response, same load): ${floor.reqPerS}/s, p99 ${floor.p99} ms`);
  await runtime.shutdown('bench');
  await db.drop();

  const bundle = builtJsGzipKb('technician-ui', 'app');
  console.error(`technician UI JavaScript: ${bundle.files} files, ${bundle.kb} kB gzipped`);

  console.log(
    JSON.stringify({
      db: db.kind,
      clients: CLIENTS,
      invoices: CLIENTS * INVOICES_PER_CLIENT,
      concurrency: CONCURRENCY,
      requests: REQUESTS,
      req_per_s: Math.round(REQUESTS / measured.seconds),
      p50_ms: Number(percentile(measured.latencies, 0.5).toFixed(2)),
      p99_ms: Number(percentile(measured.latencies, 0.99).toFixed(2)),
      unloaded_p50_ms: Number(percentile(single, 0.5).toFixed(2)),
      js_gzip_kb: bundle.kb,
      floor_req_per_s: floor.reqPerS,
      floor_p99_ms: floor.p99,
    }),
  );
}
