// Autopay's exactly-once and one-request promises against the Stripe emulator through the real SDK:
// a crash (an injected throw, which leaves the database as a dead process would) before the Stripe
// call, after it but before the database write, and while the payment is being converged (the code
// a webhook runs) — then a later run: one PaymentIntent per invoice, none skipped. An attempt whose
// idempotency key has expired is resolved by a metadata search, not a second charge. A charge is one
// Stripe request; 429s are waited out without losing the attempt; credit is used first; a charge
// that needs the client's authentication is left open for them. Batched writes (below) keep all of it.
import { randomUUID } from 'node:crypto';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attemptRecorder } from '../../server/autopay/charge-invoice';
import { runAutopay, selectDueInvoices } from '../../server/autopay/run-autopay';
import { ManualClock } from '../../server/clock';
import { grantCredit } from '../../server/ledger/client-credit';
import { registerPaymentTransitionHook } from '../../server/payments/payment-transition-hooks';
import { makeInvoice } from '../support/factories';
import { makePayingClient, saveCard } from '../support/payment-fixtures';
import { startTestApp, type TestApp } from '../support/test-app';

let app: TestApp;
const clock = new ManualClock('2026-12-01T15:00:00Z'); // 10:00 in New York, after the 09:00 run time

beforeAll(async () => {
  app = await startTestApp({ clock, stripeEmulator: {} });
});
afterAll(() => app?.close());

const knex = () => app.db.database.knex;
const ctx = () => app.runtime.ctx;
const invoiceRow = (id: string) => knex()('invoices').where({ id }).first('status', 'amount_paid', 'amount_remaining');
const attemptsOf = (invoiceId: string) => knex()('charge_attempts').where({ invoice_id: invoiceId }).orderBy('attempt_no').pluck('status');
const later = (minutes: number) => clock.set(new Date(clock.now().getTime() + minutes * 60_000));

async function autopayClient(token = 'pm_card_visa') {
  const p = await makePayingClient(app);
  const card = await saveCard(p, token);
  await knex()('clients').where({ id: p.client.id }).update({ autopay_enabled: true, autopay_payment_method_id: card.id });
  return p;
}

async function intentsFor(stripe: Stripe, invoiceId: string): Promise<Stripe.PaymentIntent[]> {
  const out: Stripe.PaymentIntent[] = [];
  for await (const pi of stripe.paymentIntents.list({ limit: 100 })) if (pi.metadata.settle_invoice_id === invoiceId) out.push(pi);
  return out;
}

/** Counts the Stripe requests the run's own client sends (the SDK's request event). */
async function countRequests(installationId: string) {
  const { stripe } = await ctx().stripe.forInstallation(knex(), installationId);
  const seen: string[] = [];
  const listener = (e: Stripe.RequestEvent) => seen.push(`${e.method} ${e.path}`);
  stripe.on('request', listener);
  return { seen, stop: () => stripe.off('request', listener) };
}

describe('autopay exactly once', () => {
  it('a crash before the Stripe call, after it, or while converging the payment: the next run charges each invoice exactly once', async () => {
    const p = await autopayClient();
    const before = await makeInvoice(p.inst.scope, p.client.id, { total: 1_100, dueDate: '2026-11-30' });
    const after = await makeInvoice(p.inst.scope, p.client.id, { total: 2_200, dueDate: '2026-11-30' });
    const converging = await makeInvoice(p.inst.scope, p.client.id, { total: 3_300, dueDate: '2026-11-30' });
    const crash = (point: string, invoiceId: string) => {
      if ((point === 'attempt_recorded' && invoiceId === before.id) || (point === 'stripe_answered' && invoiceId === after.id)) throw new Error(`crash at ${point}`);
    };
    // The transition hooks run inside the transaction that converges the payment (as in a webhook's sync).
    let converged = false;
    const unhook = registerPaymentTransitionHook(async (tx, t) => {
      const payment = (await tx.from('allocations').where({ payment_id: t.paymentId }).first('invoice_id')) as { invoice_id: string } | undefined;
      if (payment?.invoice_id === converging.id && !converged) throw new Error('crash while converging');
    });
    try {
      const first = await runAutopay(ctx(), p.inst.id, { checkpoint: crash });
      expect(first).toMatchObject({ candidates: 3, succeeded: 0, unknown: 3 });
    } finally {
      converged = true;
      unhook();
    }
    // What the crashes left: three attempts in flight; Stripe made the intents for two of them.
    for (const inv of [before, after, converging]) expect(await attemptsOf(inv.id)).toEqual(['in_flight']);
    expect(await intentsFor(p.stripe, before.id)).toHaveLength(0);
    expect(await intentsFor(p.stripe, after.id)).toHaveLength(1);
    expect(await intentsFor(p.stripe, converging.id)).toHaveLength(1);

    // Another run right away leaves in-flight attempts alone (their process may be alive) and charges nothing new.
    expect(await runAutopay(ctx(), p.inst.id)).toMatchObject({ candidates: 0, resolved: 0 });
    // Once they are stale, the next run resolves them: the replayed requests find or make exactly one intent each.
    later(3);
    expect(await runAutopay(ctx(), p.inst.id)).toMatchObject({ resolved: 3, candidates: 0 });
    for (const inv of [before, after, converging]) {
      const intents = await intentsFor(p.stripe, inv.id);
      expect(intents.map((pi) => [pi.status, pi.amount])).toEqual([['succeeded', inv.total]]);
      expect(await invoiceRow(inv.id)).toEqual({ status: 'paid', amount_paid: inv.total, amount_remaining: 0 });
      expect(await attemptsOf(inv.id)).toEqual(['succeeded']);
    }
    expect(await runAutopay(ctx(), p.inst.id)).toMatchObject({ candidates: 0, resolved: 0 });
  });

  it('an attempt older than its idempotency key is resolved by searching the intents’ metadata, never by a second charge', async () => {
    const p = await autopayClient();
    const made = await makeInvoice(p.inst.scope, p.client.id, { total: 4_400, dueDate: '2026-11-30' });
    const neverMade = await makeInvoice(p.inst.scope, p.client.id, { total: 5_500, dueDate: '2026-11-30' });
    const crash = (point: string, invoiceId: string) => {
      if ((point === 'stripe_answered' && invoiceId === made.id) || (point === 'attempt_recorded' && invoiceId === neverMade.id)) throw new Error('crash');
    };
    await runAutopay(ctx(), p.inst.id, { checkpoint: crash });
    expect(await intentsFor(p.stripe, made.id)).toHaveLength(1);

    // A day and more passes in Stripe and in Settle: Stripe has forgotten the keys.
    const probe = await p.stripe.paymentIntents.create({ amount: 100, currency: 'usd' }, { idempotencyKey: `probe-${randomUUID()}` });
    app.emulator!.control.advanceTime(25 * 3600);
    later(25 * 60);
    try {
      const again = await p.stripe.paymentIntents.create({ amount: 100, currency: 'usd' }, { idempotencyKey: probe.lastResponse.headers['idempotency-key'] as string });
      expect(again.id).not.toBe(probe.id); // a replay now would charge again: only the search is safe

      const resolved = await runAutopay(ctx(), p.inst.id);
      expect(resolved.resolved).toBe(2);
      expect((await intentsFor(p.stripe, made.id)).map((pi) => pi.status)).toEqual(['succeeded']);
      expect((await intentsFor(p.stripe, neverMade.id)).map((pi) => pi.status)).toEqual(['succeeded']);
      expect(await invoiceRow(made.id)).toMatchObject({ status: 'paid', amount_paid: 4_400 });
      expect(await invoiceRow(neverMade.id)).toMatchObject({ status: 'paid', amount_paid: 5_500 });
    } finally {
      clock.set(new Date('2026-12-01T15:00:00Z'));
    }
  });

  it('a successful charge is one Stripe request; a decline two (the cancel); authentication_required is left open for the client', async () => {
    const ok = await autopayClient();
    const okInvoices = await Promise.all([1, 2, 3].map((i) => makeInvoice(ok.inst.scope, ok.client.id, { total: 1_000 * i, dueDate: '2026-11-30' })));
    const counted = await countRequests(ok.inst.id);
    expect(await runAutopay(ctx(), ok.inst.id)).toMatchObject({ succeeded: 3 });
    counted.stop();
    expect(counted.seen).toEqual(['POST /v1/payment_intents', 'POST /v1/payment_intents', 'POST /v1/payment_intents']);
    for (const inv of okInvoices) expect(await invoiceRow(inv.id)).toMatchObject({ status: 'paid' });

    const declined = await autopayClient('pm_card_chargeCustomerFail');
    const d = await makeInvoice(declined.inst.scope, declined.client.id, { total: 2_500, dueDate: '2026-11-30' });
    const dCount = await countRequests(declined.inst.id);
    expect(await runAutopay(ctx(), declined.inst.id)).toMatchObject({ failed: 1 });
    dCount.stop();
    expect(dCount.seen).toEqual(['POST /v1/payment_intents', expect.stringMatching(/^POST \/v1\/payment_intents\/pi_\w+\/cancel$/)]);
    expect((await intentsFor(declined.stripe, d.id)).map((pi) => pi.status)).toEqual(['canceled']);

    const auth = await autopayClient('pm_card_authenticationRequired');
    const a = await makeInvoice(auth.inst.scope, auth.client.id, { total: 6_600, dueDate: '2026-11-30' });
    expect(await runAutopay(ctx(), auth.inst.id)).toMatchObject({ failed: 1 });
    const [pi] = await intentsFor(auth.stripe, a.id);
    expect(pi).toMatchObject({ status: 'requires_payment_method', last_payment_error: { code: 'authentication_required' } });
    expect(await knex()('charge_attempts').where({ invoice_id: a.id }).first('status', 'failure_code')).toEqual({ status: 'failed', failure_code: 'authentication_required' });
    const payment = await knex()('payments').where({ stripe_payment_intent_id: pi!.id }).first('status', 'failure_code');
    expect(payment).toEqual({ status: 'failed', failure_code: 'authentication_required' });
  });

  it('429s are waited out through the bucket: every invoice charged once, none lost', async () => {
    const p = await autopayClient();
    const invoices = await Promise.all(Array.from({ length: 12 }, (_, i) => makeInvoice(p.inst.scope, p.client.id, { total: 700 + i, dueDate: '2026-11-30' })));
    app.emulator!.control.setFaults({ rateLimitPerSecond: 4 });
    try {
      // The bucket is told the account allows far more than it does, as when other traffic shares the budget.
      const result = await runAutopay(ctx(), p.inst.id, { ratePerSecond: 40 });
      expect(result).toMatchObject({ candidates: 12, succeeded: 12, unknown: 0 });
      expect(result.rateLimited).toBeGreaterThan(0);
    } finally {
      app.emulator!.control.setFaults({ rateLimitPerSecond: 0 });
    }
    for (const inv of invoices) {
      expect((await intentsFor(p.stripe, inv.id)).map((pi) => pi.status)).toEqual(['succeeded']);
      expect(await invoiceRow(inv.id)).toMatchObject({ status: 'paid', amount_paid: inv.total });
    }
  });

  it('uses the client’s credit first: charges only the remainder, and nothing when the credit covers the invoice', async () => {
    const p = await autopayClient();
    const source = randomUUID();
    const now = clock.now();
    await p.inst.scope.insert('payments', {
      id: source, client_id: p.client.id, source: 'offline', status: 'succeeded', amount: 5_000, currency: 'USD', idempotency_key: `offline:${source}`,
      created_by_kind: 'system', received_at: now, succeeded_at: now, created_at: now, updated_at: now,
    });
    await grantCredit(p.inst.scope, { clientId: p.client.id, amount: 5_000, currency: 'USD', reason: 'overpayment', paymentId: source, actor: { kind: 'system', id: null } }, clock);
    const covered = await makeInvoice(p.inst.scope, p.client.id, { total: 2_000, dueDate: '2026-11-20' });
    const partly = await makeInvoice(p.inst.scope, p.client.id, { total: 10_000, dueDate: '2026-11-29' });

    const result = await runAutopay(ctx(), p.inst.id);
    expect(result).toMatchObject({ candidates: 2, credited: 1, succeeded: 1 });
    expect(await intentsFor(p.stripe, covered.id)).toHaveLength(0);
    expect(await invoiceRow(covered.id)).toEqual({ status: 'paid', amount_paid: 2_000, amount_remaining: 0 });
    expect((await intentsFor(p.stripe, partly.id)).map((pi) => pi.amount)).toEqual([7_000]);
    expect(await invoiceRow(partly.id)).toEqual({ status: 'paid', amount_paid: 10_000, amount_remaining: 0 });
    expect(await knex()('charge_attempts').where({ invoice_id: partly.id }).first('amount')).toEqual({ amount: 7_000 });
    expect(await attemptsOf(covered.id)).toEqual([]);
  });
});

// Autopay records attempts, and writes Stripe's answers, a batch at a time (one transaction for
// charges a few milliseconds apart). Batching must not change what happens to any one charge:
// - a batch in which one invoice is already taken (a unique index refuses its attempt) still
//   records every other attempt, and the taken one reads as taken;
// - a crash after a batch of attempts is recorded (before any Stripe call) leaves each attempt in
//   flight, and the next run resolves every one of them exactly once;
// - one charge whose outcome cannot be written does not cost the others in its batch their outcome.
async function autopayClientWith(totals: number[]) {
  const p = await autopayClient();
  const invoices = [];
  for (const total of totals) invoices.push(await makeInvoice(p.inst.scope, p.client.id, { total, dueDate: '2026-11-30' }));
  return { p, invoices };
}

describe('autopay batches', () => {
  it('one invoice of a batch already taken: the others are recorded, that one reads as taken', async () => {
    const { p, invoices } = await autopayClientWith([1_000, 2_000, 3_000]);
    const candidates = await selectDueInvoices(ctx(), p.inst.scope);
    expect(candidates.map((c) => c.invoiceId).sort()).toEqual(invoices.map((i) => i.id).sort());
    // Another process took the middle invoice's attempt 1 after these candidates were read.
    const taken = candidates[1]!;
    const [other] = (await p.inst.scope
      .insert('payments', { client_id: p.client.id, source: 'autopay', status: 'failed', amount: taken.amount, currency: 'USD', method_type: 'card' })
      .returning('id')) as Array<{ id: string }>;
    await p.inst.scope.insert('charge_attempts', {
      invoice_id: taken.invoiceId, client_id: p.client.id, attempt_no: taken.attemptNo, scheduled_for: clock.now(), idempotency_key: `autopay:${taken.invoiceId}:${taken.attemptNo}`,
      payment_id: other!.id, amount: taken.amount, currency: 'USD', status: 'failed',
    });

    const recorder = attemptRecorder(ctx(), p.inst.scope, 'autopay', { maxBatch: 3, waitMs: 50 });
    const recorded = await Promise.all(candidates.map((c) => recorder.submit(c)));
    expect(recorder.fellBack).toBe(1); // the batch of three was refused, then each recorded alone
    expect(recorded[1]).toBeNull();
    for (const i of [0, 2]) {
      expect(recorded[i]).toMatchObject({ invoice_id: candidates[i]!.invoiceId, status: 'in_flight', amount: candidates[i]!.amount });
      expect(await attemptsOf(candidates[i]!.invoiceId)).toEqual(['in_flight']);
      const split = await knex()('allocations').where({ payment_id: recorded[i]!.payment_id }).select('invoice_id', 'state', 'amount');
      expect(split).toEqual([{ invoice_id: candidates[i]!.invoiceId, state: 'pending', amount: candidates[i]!.amount }]);
    }
    expect(await attemptsOf(taken.invoiceId)).toEqual(['failed']);
    expect(Number(((await knex()('allocations').where({ invoice_id: taken.invoiceId }).count({ n: '*' })) as Array<{ n: string | number }>)[0]!.n)).toBe(0);
    expect(Number(((await knex()('audit_log').where({ installation_id: p.inst.id, action: 'autopay.charge_started' }).count({ n: '*' })) as Array<{ n: string | number }>)[0]!.n)).toBe(2);
  });

  it('a crash after a batch of attempts is recorded: the next run charges every invoice in it exactly once', async () => {
    const { p, invoices } = await autopayClientWith([1_100, 1_200, 1_300, 1_400, 1_500]);
    const crash = (point: string) => {
      if (point === 'attempt_recorded') throw new Error('crash after the batch was recorded');
    };
    expect(await runAutopay(ctx(), p.inst.id, { checkpoint: crash })).toMatchObject({ candidates: 5, unknown: 5 });
    for (const inv of invoices) {
      expect(await attemptsOf(inv.id)).toEqual(['in_flight']);
      expect(await intentsFor(p.stripe, inv.id)).toHaveLength(0);
    }
    // Recorded together: the payments share transactions (each payment row carries the id of the
    // transaction that last wrote it).
    const txids = (await knex()('payments').where({ installation_id: p.inst.id, source: 'autopay' }).pluck('sync_txid')) as unknown[];
    expect(txids).toHaveLength(5);
    expect(new Set(txids.map(String)).size).toBeLessThan(5);

    later(3);
    expect(await runAutopay(ctx(), p.inst.id)).toMatchObject({ resolved: 5, candidates: 0 });
    for (const inv of invoices) {
      expect((await intentsFor(p.stripe, inv.id)).map((pi) => [pi.status, pi.amount])).toEqual([['succeeded', inv.total]]);
      expect(await attemptsOf(inv.id)).toEqual(['succeeded']);
      expect(await knex()('invoices').where({ id: inv.id }).first('status', 'amount_remaining')).toEqual({ status: 'paid', amount_remaining: 0 });
    }
    expect(await runAutopay(ctx(), p.inst.id)).toMatchObject({ candidates: 0, resolved: 0 });
  });

  it('one outcome that cannot be written does not cost the others in its batch theirs', async () => {
    const { p, invoices } = await autopayClientWith([2_100, 2_200, 2_300, 2_400]);
    const bad = invoices[2]!;
    let broken = true;
    const unhook = registerPaymentTransitionHook(async (tx, t) => {
      const split = (await tx.from('allocations').where({ payment_id: t.paymentId }).first('invoice_id')) as { invoice_id: string } | undefined;
      if (broken && split?.invoice_id === bad.id) throw new Error('this outcome cannot be written');
    });
    try {
      expect(await runAutopay(ctx(), p.inst.id)).toMatchObject({ candidates: 4, succeeded: 3, unknown: 1 });
    } finally {
      broken = false;
      unhook();
    }
    for (const inv of invoices.filter((i) => i !== bad)) {
      expect(await attemptsOf(inv.id)).toEqual(['succeeded']);
      expect(await knex()('invoices').where({ id: inv.id }).first('status')).toEqual({ status: 'paid' });
    }
    // The bad one was charged; its outcome stays unwritten until the attempt is resolved.
    expect(await attemptsOf(bad.id)).toEqual(['in_flight']);
    later(3);
    expect(await runAutopay(ctx(), p.inst.id)).toMatchObject({ resolved: 1, candidates: 0 });
    expect((await intentsFor(p.stripe, bad.id)).map((pi) => pi.status)).toEqual(['succeeded']);
    expect(await attemptsOf(bad.id)).toEqual(['succeeded']);
    expect(await knex()('invoices').where({ id: bad.id }).first('status')).toEqual({ status: 'paid' });
  });
});
