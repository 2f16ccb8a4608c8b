// Autopay across real processes on one PostgreSQL (skipped on PGlite, which one process owns):
// three Settle server processes run the same autopay window over 1,000 due invoices at once — exactly
// 1,000 PaymentIntents in the emulator, no invoice twice, every invoice paid; and a process SIGKILLed
// right after recording attempts, then another SIGKILLed right after Stripe answered, then a restart —
// still exactly one PaymentIntent per invoice, none skipped.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { intentsByInvoice, seedAutopayWorld } from '../../bench/support/autopay-world';
import { usingPostgres } from '../support/test-database';
import { startTestApp, type TestApp } from '../support/test-app';
import { connectInstallationToEmulator } from '../support/webhook-fixtures';

const RUNNER = join(import.meta.dirname, '..', 'support', 'autopay-run-process.ts');
let app: TestApp;

beforeAll(async () => {
  if (usingPostgres()) app = await startTestApp({ stripeEmulator: {} });
});
afterAll(() => app?.close());

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  result: Record<string, number> | null;
}

/** One Settle process running one autopay run for the installation. */
function runProcess(installationId: string, env: Record<string, string> = {}): Promise<Exit> {
  if (app.db.location.kind !== 'postgres') throw new Error('PostgreSQL only');
  const child = spawn(process.execPath, ['--import', 'tsx', RUNNER], {
    env: { ...process.env, DATABASE_URL: app.db.location.url, STRIPE_URL: app.emulator!.url, INSTALLATION_ID: installationId, SETTLE_STRIPE_RATE_LIMIT: '1000', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      const line = out.trim().split('\n').pop() ?? '';
      resolve({ code, signal, result: line.startsWith('{') ? (JSON.parse(line) as Record<string, number>) : null });
    }),
  );
}

async function connectedWorld(invoices: number, clients: number) {
  const inst = await connectInstallationToEmulator(app.runtime.ctx.db, app.runtime.ctx.secrets, app.emulator!);
  const world = await seedAutopayWorld(inst.scope, inst.stripe, { clients, invoices, dueDate: '2026-01-05' });
  return { inst, world };
}

async function expectExactlyOncePerInvoice(inst: Awaited<ReturnType<typeof connectedWorld>>['inst'], invoiceIds: string[]) {
  const byInvoice = await intentsByInvoice(inst.stripe);
  expect([...byInvoice.values()].reduce((s, l) => s + l.length, 0)).toBe(invoiceIds.length);
  expect([...byInvoice.values()].filter((l) => l.length !== 1)).toEqual([]);
  expect(invoiceIds.filter((id) => !byInvoice.has(id))).toEqual([]);
  expect([...byInvoice.values()].flat().filter((pi) => pi.status !== 'succeeded')).toEqual([]);
  const open = await inst.scope.from('invoices').whereNot('status', 'paid').pluck('number');
  expect(open).toEqual([]);
}

describe.skipIf(!usingPostgres())('autopay in several processes on one PostgreSQL', () => {
  it('three Settle processes run the same window over 1,000 due invoices: exactly 1,000 PaymentIntents, none twice', async () => {
    const { inst, world } = await connectedWorld(1_000, 100);
    const exits = await Promise.all([1, 2, 3].map(() => runProcess(inst.id)));
    expect(exits.map((e) => [e.code, e.signal])).toEqual([[0, null], [0, null], [0, null]]);
    const results = exits.map((e) => e.result!);
    expect(results.reduce((s, r) => s + r.succeeded!, 0)).toBe(1_000);
    expect(results.reduce((s, r) => s + r.unknown!, 0)).toBe(0);
    // Each process saw the invoices as due; the ones another process held were skipped, not charged.
    for (const r of results) expect(r.candidates).toBeGreaterThan(0);
    await expectExactlyOncePerInvoice(inst, world.invoiceIds);
  }, 120_000);

  it('SIGKILL after recording attempts, SIGKILL after Stripe answered, then a restart: one PaymentIntent per invoice, none skipped', async () => {
    const { inst, world } = await connectedWorld(40, 10);
    const killedBefore = await runProcess(inst.id, { SETTLE_AUTOPAY_CRASH_AT: 'attempt_recorded', SETTLE_AUTOPAY_CRASH_AFTER: '5', CONCURRENCY: '4' });
    expect(killedBefore.signal).toBe('SIGKILL');
    const inFlight = await inst.scope.from('charge_attempts').where({ status: 'in_flight' }).count({ n: '*' });
    // The fifth attempt to be recorded killed the process; it and the others in flight stay in flight.
    expect(Number(inFlight[0]!.n)).toBeGreaterThanOrEqual(1);
    const killedAfter = await runProcess(inst.id, { SETTLE_AUTOPAY_CRASH_AT: 'stripe_answered', SETTLE_AUTOPAY_CRASH_AFTER: '5', CONCURRENCY: '4' });
    expect(killedAfter.signal).toBe('SIGKILL');
    // Stripe made intents whose answers died with the process.
    const answeredButUnrecorded = await app.db.database.knex('charge_attempts as a').join('payments as p', 'p.id', 'a.payment_id').where({ 'a.installation_id': inst.id, 'a.status': 'in_flight' }).whereNull('p.stripe_payment_intent_id').count({ n: '*' });
    expect(Number(answeredButUnrecorded[0]!.n)).toBeGreaterThanOrEqual(1);
    expect((await intentsByInvoice(inst.stripe)).size).toBeGreaterThanOrEqual(5);
    expect((await intentsByInvoice(inst.stripe)).size).toBeLessThan(40);

    // The restart treats what the dead processes left in flight as unresolved (STALE_AFTER_MS=0).
    const restart = await runProcess(inst.id, { STALE_AFTER_MS: '0' });
    expect(restart.code).toBe(0);
    expect(restart.result!.resolved).toBeGreaterThanOrEqual(2);
    expect(restart.result!.succeeded).toBeGreaterThan(0);
    await expectExactlyOncePerInvoice(inst, world.invoiceIds);
  }, 120_000);
});
