// Property tests of the ledger at the database level (fast-check, modest run counts): random
// sequences of recorded payments (split by hand, some over the limits, or matched by the engine),
// credit applications, refunds and reconciliation re-runs, checked after every step:
// - allocations never exceed a payment's amount nor an invoice's total (no invoice left overpaid);
// - money is conserved: every payment = applied + credit + reversed (+ unapplied while queued),
//   refunds equal the reversals they caused, write-offs are kept apart;
// - a refused operation changes nothing; re-running reconciliation changes nothing;
// - stored invoice amounts always equal what the ledger recomputes.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../server/clock';
import type { InstallationScope } from '../../server/db/tenant-scope';
import { AppError } from '../../server/http/app-error';
import type { AppContext } from '../../server/http/context';
import { applyCredit } from '../../server/ledger/apply-credit';
import { checkLedgerConsistency } from '../../server/ledger/check-ledger-consistency';
import { defaultMatcher } from '../../server/ledger/reconcile-payment';
import { reconcilePending } from '../../server/ledger/reconcile-pending';
import { recordOfflinePayment } from '../../server/ledger/record-offline-payment';
import { refundPayment } from '../../server/ledger/refund-payment';
import { makeClient, makeInstallation, makeInvoice } from '../support/factories';
import { ledgerCounts, withPsaWebhook } from '../support/ledger-fixtures';
import { testContext } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

let tdb: TestDatabase;
let ctx: AppContext;
const clock = new ManualClock('2026-12-01T15:00:00Z');
beforeAll(async () => {
  tdb = await createTestDatabase();
  ctx = testContext(tdb.database, { clock });
});
afterAll(() => tdb?.drop());
const knex = () => tdb.database.knex;

type Op =
  | { kind: 'record'; client: number; amount: number; splits: Array<{ invoice: number; amount: number }>; auto: boolean; reference: number | null }
  | { kind: 'credit'; client: number; invoice: number; amount: number | null }
  | { kind: 'refund'; payment: number; amount: number }
  | { kind: 'reconcile' };

const amount = fc.integer({ min: 1, max: 60_000 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('record' as const),
    client: fc.nat(1),
    amount,
    splits: fc.array(fc.record({ invoice: fc.nat(3), amount: fc.integer({ min: 1, max: 45_000 }) }), { maxLength: 3 }),
    auto: fc.boolean(),
    reference: fc.option(fc.nat(3), { nil: null }),
  }),
  fc.record({ kind: fc.constant('credit' as const), client: fc.nat(1), invoice: fc.nat(3), amount: fc.option(fc.integer({ min: 1, max: 30_000 }), { nil: null }) }),
  fc.record({ kind: fc.constant('refund' as const), payment: fc.nat(20), amount: fc.integer({ min: 1, max: 40_000 }) }),
  fc.constant({ kind: 'reconcile' as const }),
);

interface World {
  scope: InstallationScope;
  installationId: string;
  staffId: string;
  clients: Array<{ id: string; invoices: Array<{ id: string; number: string }> }>;
}

async function makeWorld(): Promise<World> {
  const inst = await makeInstallation(knex());
  await withPsaWebhook(knex(), inst.id);
  // No password: these staff never sign in (argon2 would dominate the run time).
  const [staff] = (await inst.scope.insert('staff_users', { email: `prop-${randomUUID()}@msp.example`, name: 'Prop', role: 'admin' }).returning('id')) as Array<{ id: string }>;
  const clients = [];
  for (let c = 0; c < 2; c++) {
    const client = await makeClient(inst.scope, { name: c === 0 ? 'Alpine Dental' : 'Harbor Logistics' });
    const invoices = [];
    for (let i = 0; i < 4; i++) {
      const number = `P${c}${i}-${inst.id.slice(0, 4)}`;
      invoices.push({ id: (await makeInvoice(inst.scope, client.id, { total: 10_000 * (i + 1), number, dueDate: `2026-11-0${i + 1}` })).id, number });
    }
    clients.push({ id: client.id, invoices });
  }
  return { scope: inst.scope, installationId: inst.id, staffId: staff!.id, clients };
}

async function run(w: World, op: Op): Promise<void> {
  const audit = { type: 'staff' as const, id: w.staffId, label: 'prop' };
  switch (op.kind) {
    case 'record': {
      const client = w.clients[op.client]!;
      const reference = op.reference === null ? undefined : `Invoice ${client.invoices[op.reference]!.number}`;
      await recordOfflinePayment(
        w.scope,
        {
          requestId: randomUUID(), clientId: client.id, method: 'check', amount: op.amount, receivedOn: '2026-11-28', reference,
          allocation: op.auto ? { mode: 'auto' } : { mode: 'manual', splits: op.splits.map((s) => ({ invoiceId: client.invoices[s.invoice]!.id, amount: s.amount })) },
        },
        { staffId: w.staffId, audit, matcher: defaultMatcher },
        clock,
      );
      return;
    }
    case 'credit': {
      const client = w.clients[op.client]!;
      await w.scope.transaction((tx) => applyCredit(tx, { clientId: client.id, invoiceId: client.invoices[op.invoice]!.id, ...(op.amount ? { amount: op.amount } : {}), actor: { kind: 'staff', id: w.staffId }, audit }, clock));
      return;
    }
    case 'refund': {
      const ids = (await w.scope.from('payments').orderBy('created_at').orderBy('id').pluck('id')) as string[];
      if (ids.length === 0) return;
      const paymentId = ids[op.payment % ids.length]!;
      await refundPayment(ctx, w.scope, { refundId: randomUUID(), paymentId, amount: op.amount, reason: 'property test', staff: { id: w.staffId, role: 'admin' }, audit });
      return;
    }
    case 'reconcile': {
      const before = await ledgerCounts(knex(), w.installationId);
      const first = await reconcilePending(w.scope, { matcher: defaultMatcher, actor: { kind: 'system', id: null } }, clock);
      const mid = await ledgerCounts(knex(), w.installationId);
      const second = await reconcilePending(w.scope, { matcher: defaultMatcher, actor: { kind: 'system', id: null } }, clock);
      expect(second).toEqual({ considered: 0, allocated: 0, exceptions: 0 });
      expect(await ledgerCounts(knex(), w.installationId)).toEqual(mid);
      if (first.considered === 0) expect(mid).toEqual(before);
      return;
    }
  }
}

async function checkInvariants(w: World): Promise<void> {
  const consistency = await checkLedgerConsistency(w.scope);
  expect(consistency.invoiceMismatches).toEqual([]);
  expect(consistency.paymentMismatches).toEqual([]);
  expect(consistency.negativeCredit).toEqual([]);
  const q = async (sql: string) => Number((((await knex().raw(sql, [w.installationId])) as { rows: Array<{ v: unknown }> }).rows[0]?.v) ?? 0);
  // Per invoice: what is applied and written off never exceeds the total.
  expect(await q(`select count(*) as v from invoices i where i.installation_id = ? and i.amount_paid + i.amount_written_off > i.total`)).toBe(0);
  // Conservation over the installation.
  const paid = await q(`select coalesce(sum(amount), 0) as v from payments where installation_id = ? and status = 'succeeded'`);
  const applied = await q(`select coalesce(sum(amount), 0) as v from allocations where installation_id = ? and state = 'applied'`);
  const credit = await q(`select coalesce(sum(amount), 0) as v from client_credits where installation_id = ?`);
  const reversed = await q(`select coalesce(sum(amount), 0) as v from ledger_reversals where installation_id = ? and restored_at is null`);
  const refunded = await q(`select coalesce(sum(amount_refunded), 0) as v from payments where installation_id = ?`);
  const queued = await q(`select coalesce(sum(p.amount), 0) as v from payments p join reconciliation_exceptions e on e.installation_id = p.installation_id and e.payment_id = p.id and e.status = 'open' where p.installation_id = ?`);
  expect(applied + credit + reversed).toBeLessThanOrEqual(paid);
  expect(paid - applied - credit - reversed).toBeLessThanOrEqual(queued);
  expect(reversed).toBe(refunded);
}

describe('ledger properties', () => {
  it('allocations stay within payments and invoices, money is conserved, refusals and re-runs change nothing', { timeout: 60_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 7 }), async (ops) => {
        const w = await makeWorld();
        for (const op of ops) {
          const before = await ledgerCounts(knex(), w.installationId);
          try {
            await run(w, op);
          } catch (err) {
            if (!(err instanceof AppError)) throw err;
            expect(err.status).toBeGreaterThanOrEqual(400);
            expect(err.status).toBeLessThan(500);
            expect(await ledgerCounts(knex(), w.installationId)).toEqual(before);
          }
          await checkInvariants(w);
        }
      }),
      { numRuns: 10, seed: 20261205 },
    );
  });
});
