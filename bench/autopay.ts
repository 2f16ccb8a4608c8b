// An autopay run against a rate-limited, slow Stripe: 10,000 due invoices (BENCH_INVOICES), the
// Stripe emulator in its own process answering every /v1 call after 300 ms and refusing with 429
// above 100 requests a second per account. Settle's run (PostgreSQL when DATABASE_URL is set, else
// PGlite) is told the account's limit (SETTLE_STRIPE_RATE_LIMIT=100) and aims at 95 % of it.
// Reports the wall time of the run against the bound no correct implementation can beat
// (invoices / limit), the PaymentIntents the emulator holds afterwards (one per invoice, none twice),
// invoices paid, and the 429s Settle saw.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import Stripe from 'stripe';
import { runAutopay } from '../server/autopay/run-autopay';
import { parseConfig } from '../server/config/config';
import { InstallationScope } from '../server/db/tenant-scope';
import { createLogger } from '../server/logger';
import { startRuntime } from '../server/runtime';
import { endpointFromUrl } from '../server/stripe/stripe-clients';
import { openBenchDatabase } from './support/bench-database';
import { intentsByInvoice, seedAutopayWorld } from './support/autopay-world';
import { emulatorAccountId, startEmulatorProcess } from './support/emulator-process';

const INVOICES = Number(process.env.BENCH_INVOICES ?? 10_000);
const CLIENTS = Math.max(1, Math.ceil(INVOICES / 2));
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 300);
const LIMIT = Number(process.env.BENCH_LIMIT ?? 100);

await main();

async function main(): Promise<void> {
  process.env.SETTLE_STRIPE_RATE_LIMIT = String(LIMIT);
  const db = await openBenchDatabase('autopay', { poolMax: 20 });
  const emulator = await startEmulatorProcess();
  const parsed = parseConfig({
    NODE_ENV: 'test', DEMO_MODE: 'false', PORT: '0', HOST: '127.0.0.1', PUBLIC_URL: 'http://127.0.0.1:3000', LOG_LEVEL: 'warn',
    ENCRYPTION_KEY: randomBytes(32).toString('base64'), MARKETPLACE_SHARED_SECRET: randomBytes(24).toString('hex'), JOBS_ENABLED: 'false',
    ...(db.url ? { DATABASE_URL: db.url } : {}),
  });
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  const runtime = await startRuntime({ config: parsed.config, database: db.database, logger: createLogger({ level: 'warn' }), seed: false, cron: false, stripeEndpoint: endpointFromUrl(emulator.url) });
  const { ctx } = runtime;
  const knex = db.database.knex;
  console.error(`settle on ${db.kind}; emulator at ${emulator.url}`);

  const [inst] = (await knex('installations').insert({ name: 'Bench MSP', psa_tenant_ref: `bench-${randomBytes(4).toString('hex')}`, currency: 'USD' }).returning('id')) as Array<{ id: string }>;
  const scope = new InstallationScope(knex, inst!.id);
  const secretKey = `sk_test_bench${randomBytes(8).toString('hex')}`;
  const [conn] = (await scope.insert('stripe_connections', { mode: 'emulator', account_id: await emulatorAccountId(emulator.url, secretKey), livemode: false }).returning('id')) as Array<{ id: string }>;
  await scope.from('stripe_connections').where({ id: conn!.id }).update({ secret_enc: ctx.secrets.seal(secretKey, conn!.id) });
  const stripe = new Stripe(secretKey, { host: '127.0.0.1', port: emulator.port, protocol: 'http', maxNetworkRetries: 2 });
  const seedStart = performance.now();
  await seedAutopayWorld(scope, stripe, { clients: CLIENTS, invoices: INVOICES, dueDate: '2026-01-05', prefix: 'B' });
  // The statistics autovacuum would have gathered by the next tick: without them the planner takes
  // freshly bulk-loaded tables for empty and the due-invoice query crosses invoices with methods.
  await knex.raw('analyze');
  console.error(`seeded ${CLIENTS} clients and ${INVOICES} due invoices in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

  const faults = (body: object) => fetch(`${emulator.url}/_emulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  await faults({ latencyMs: LATENCY_MS, rateLimitPerSecond: LIMIT });
  const queries = new Map<string, { n: number; ms: number }>();
  if (process.env.BENCH_PROFILE) {
    const open = new Map<string, number>();
    knex.on('query', (q: { __knexQueryUid: string }) => open.set(q.__knexQueryUid, performance.now()));
    knex.on('query-response', (_r: unknown, q: { __knexQueryUid: string; sql: string }) => {
      const key = q.sql.slice(0, 70);
      const e = queries.get(key) ?? { n: 0, ms: 0 };
      e.n++;
      e.ms += performance.now() - (open.get(q.__knexQueryUid) ?? performance.now());
      queries.set(key, e);
    });
  }
  // PostgreSQL's CPU in the run (profile only, when the server runs on this machine): its backends
  // serving this database, read from /proc.
  const pgCpuMs = async (): Promise<number | null> => {
    if (!process.env.BENCH_PROFILE || db.kind !== 'postgres') return null;
    const pids = ((await knex.raw('select pid from pg_stat_activity where datname = current_database()')) as { rows: Array<{ pid: number }> }).rows;
    let ticks = 0;
    for (const { pid } of pids) {
      try {
        const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
        ticks += Number(fields[11]) + Number(fields[12]); // utime + stime
      } catch {
        return null; // not on this machine
      }
    }
    return ticks * 10; // USER_HZ = 100
  };
  const pgBefore = await pgCpuMs();
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const result = await runAutopay(ctx, inst!.id);
  const wallS = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const settleCpuS = (cpu.user + cpu.system) / 1e6;
  const pgAfter = await pgCpuMs();
  await faults({ latencyMs: 0, rateLimitPerSecond: 0 });
  if (pgBefore !== null && pgAfter !== null) console.error(`postgres cpu: ${((pgAfter - pgBefore) / INVOICES).toFixed(2)} ms per charge`);
  for (const [sql, e] of [...queries].sort((a, b) => b[1].ms - a[1].ms).slice(0, 40)) console.error(`${String(e.n).padStart(6)} ${e.ms.toFixed(0).padStart(7)} ms  ${sql}`);
  console.error(`run: ${JSON.stringify(result)} in ${wallS.toFixed(1)} s`);
  if (process.env.BENCH_PROFILE && db.kind === 'postgres') {
    // Trigger functions' time inside PostgreSQL: only counted when the URL carries
    // `?options=-c%20track_functions%3Dall` (a setting of the session, not the server).
    const fns = (await knex.raw('select funcname, calls, round(total_time) as total_ms, round(self_time) as self_ms from pg_stat_user_functions order by total_time desc limit 15')) as { rows: unknown[] };
    for (const f of fns.rows) console.error(JSON.stringify(f));
  }

  const byInvoice = await intentsByInvoice(stripe);
  const intents = [...byInvoice.values()].reduce((s, l) => s + l.length, 0);
  const twice = [...byInvoice.values()].filter((l) => l.length > 1).length;
  const paid = Number(((await scope.from('invoices').where({ status: 'paid' }).count({ n: '*' })) as Array<{ n: string | number }>)[0]!.n);
  await runtime.shutdown('bench');
  await emulator.close();
  await db.drop();

  const boundS = INVOICES / LIMIT;
  console.log(
    JSON.stringify({
      db: db.kind,
      invoices: INVOICES,
      payment_intents: intents,
      invoices_charged_twice: twice,
      invoices_paid: paid,
      latency_ms: LATENCY_MS,
      rate_limit_per_s: LIMIT,
      target_rate_per_s: LIMIT * 0.95,
      wall_s: Number(wallS.toFixed(2)),
      bound_s: boundS,
      ratio: Number((wallS / boundS).toFixed(3)),
      http_429: result.rateLimited,
      // Settle's own CPU in the run (PostgreSQL's is not counted) and the machine's load: a run slower
      // than its bound on a busy machine shows here whether it waited for Stripe or for a CPU.
      settle_cpu_ms_per_charge: Number(((settleCpuS * 1000) / INVOICES).toFixed(2)),
      load_avg_1m: Number(loadavg()[0]!.toFixed(2)),
      outcomes: { succeeded: result.succeeded, failed: result.failed, unknown: result.unknown, skipped: result.skipped },
    }),
  );
}
