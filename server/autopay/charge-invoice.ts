// One automatic charge of one invoice, exactly once whatever crashes, in one Stripe request when
// nothing goes wrong:
// 0. The client's credit is used first (applyCreditsBeforeAutopay); only the remainder is charged,
//    and nothing at all when the credit paid the invoice.
// 1. One transaction locks the invoice, takes what is still open (nothing pending counted) and
//    records the charge attempt (unique per invoice and attempt number, at most one in flight per
//    invoice), the payment and its pending split (the same one-in-flight lock the portal uses) —
//    before Stripe is called.
// 2. The PaymentIntent is created off-session and confirmed with the idempotency key
//    `autopay:{invoiceId}:{attemptNo}` and metadata tying it to the installation, client, invoice,
//    attempt and payment — one request through the account's token bucket (a 429 waits and goes
//    again; a lost connection or a 5xx is re-sent with the same key). Its parameters are a pure
//    function of the attempt row, so the call can be replayed.
// 3. The answer (the intent, or the failed intent inside a card error) is written in one
//    transaction — the intent id, the payment converged from it (writePaymentIntent; its transition
//    hook moves the invoice) and the attempt's outcome — without fetching it again. A failed intent is
//    canceled so it can never charge later, except an `authentication_required` one: the client
//    completes that one on-session (/portal/authenticate/:paymentId).
// If the process dies or Stripe does not answer between 1 and 3, the attempt stays `in_flight` or
// becomes `unknown`; completeAttempt() resolves it before anything else touches the invoice: it
// replays step 2 with the same key (Stripe answers with the intent it already made, or makes the one
// that was never made), or — when the key may have expired (24 h) or conflicts — searches
// PaymentIntents by the metadata `settle_charge_attempt_id` first and only creates when there is none.
import { randomUUID } from 'node:crypto';
import Stripe from 'stripe';
import { recordAudits } from '../audit/record-audit';
import { DEADLOCK_CODES, retryTransaction } from '../db/retry-transaction';
import type { InstallationScope } from '../db/tenant-scope';
import type { AppContext } from '../http/context';
import { enqueuePsaWriteBack, enqueuePsaWriteBacks } from '../outbox/enqueue-psa-write-back';
import { writePaymentIntent } from '../payments/sync-payment-intent';
import { applyCreditsBeforeAutopay } from '../ledger/apply-credit';
import { lockOpenAmounts } from '../ledger/apply-payment';
import { takeSyncTicket, type SyncTicket } from '../stripe/sync-ticket';
import { Coalescer, type CoalescerOptions } from './coalescer';
import { limitedStripeCall, type TokenBucket } from './token-bucket';
import { classifyDecline, nextRetryAt, type RetryPolicy } from './decline-policy';

export interface AutopayCandidate {
  invoiceId: string;
  invoiceNumber: string;
  clientId: string;
  customerId: string;
  amount: number;
  currency: string;
  paymentMethodRowId: string;
  stripePaymentMethodId: string;
  methodType: 'card' | 'us_bank_account';
  mandateId: string | null;
  methodLabel: string;
  attemptNo: number;
  /** When the first attempt of this invoice's series failed (for the retry schedule). */
  firstFailureAt: Date | null;
  /** Whether the client held credit when the invoices were selected; false skips the credit step, absent checks. */
  hasCredit?: boolean;
}

export interface AttemptRow {
  id: string;
  invoice_id: string;
  client_id: string;
  attempt_no: number;
  idempotency_key: string;
  payment_id: string;
  payment_method_id: string;
  amount: number;
  currency: string;
  status: string;
  trigger: string;
  created_at: Date;
}

/** `credited`: the client's credit paid the invoice, nothing was charged. `skipped`: another process holds the invoice, or nothing is open. */
export type ChargeOutcome = 'succeeded' | 'processing' | 'failed' | 'requires_action' | 'unknown' | 'skipped' | 'credited';

/** Points between the steps where a test can make the process "die" (throw, or SIGKILL itself). */
export type ChargeCheckpoint = 'attempt_recorded' | 'stripe_answered';

export interface ChargeOptions {
  /** The account's token bucket; every Stripe request takes a token. None: unlimited. */
  bucket?: TokenBucket | null;
  /** Crash injection (tests): called at each checkpoint; a throw there leaves the database as a crash would. */
  checkpoint?: (point: ChargeCheckpoint, invoiceId: string) => void | Promise<void>;
  /** Records step 1 of concurrent charges together (a run's attemptRecorder); none: one transaction per charge. */
  recorder?: AttemptRecorder;
  /** Writes step 3 of concurrent charges together (a run's outcomeWriter); none: one transaction per charge. */
  writer?: OutcomeWriter;
}

/**
 * The environment's crash hook, for tests that kill a child process: `SETTLE_AUTOPAY_CRASH_AT=point`
 * (and optionally `SETTLE_AUTOPAY_CRASH_AFTER=n`, the n-th time that point is reached) makes the
 * process SIGKILL itself there. Unset (always, outside those tests): nothing happens.
 */
let crashCount = 0;
function envCheckpoint(point: ChargeCheckpoint): void {
  if (process.env.SETTLE_AUTOPAY_CRASH_AT !== point) return;
  crashCount++;
  if (crashCount >= Number(process.env.SETTLE_AUTOPAY_CRASH_AFTER ?? 1)) process.kill(process.pid, 'SIGKILL');
}

/** Attempts this old may have outlived their idempotency key (Stripe keeps keys 24 h): search before replaying. */
const KEY_TRUST_MS = 23 * 60 * 60 * 1000;

export const autopayKey = (invoiceId: string, attemptNo: number): string => `autopay:${invoiceId}:${attemptNo}`;

type IntentFacts = Pick<AutopayCandidate, 'invoiceId' | 'invoiceNumber' | 'clientId' | 'customerId' | 'amount' | 'currency' | 'stripePaymentMethodId' | 'methodType' | 'mandateId' | 'attemptNo'> & {
  attemptId: string;
  paymentId: string;
};

/** The intent request for an attempt: a pure function of what step 1 stored. */
function intentParams(installationId: string, a: IntentFacts): Stripe.PaymentIntentCreateParams {
  return {
    amount: a.amount,
    currency: a.currency.toLowerCase(),
    customer: a.customerId,
    payment_method: a.stripePaymentMethodId,
    allowed_payment_method_types: [a.methodType],
    off_session: true,
    confirm: true,
    ...(a.methodType === 'us_bank_account' && a.mandateId ? { mandate: a.mandateId } : {}),
    description: `Autopay: invoice ${a.invoiceNumber}`,
    metadata: {
      settle_installation_id: installationId,
      settle_client_id: a.clientId,
      settle_invoice_id: a.invoiceId,
      settle_invoices: a.invoiceNumber,
      settle_attempt_no: String(a.attemptNo),
      settle_charge_attempt_id: a.attemptId,
      settle_payment_id: a.paymentId,
    },
  };
}


/**
 * Step 1. Returns null when there is nothing to charge (nothing open once credit and pending
 * payments are counted) or another process already holds this invoice (nothing was written).
 */
async function recordAttempt(ctx: AppContext, scope: InstallationScope, c: AutopayCandidate, trigger: 'autopay' | 'charge_now'): Promise<AttemptRow | null> {
  try {
    return (await recordAttempts(ctx, scope, [c], trigger))[0] ?? null;
  } catch (err) {
    // A unique index said no: the attempt number, the in-flight attempt or the pending split exists —
    // another run got there first. Nothing was written.
    if ((err as { code?: string }).code === '23505') return null;
    throw err;
  }
}

/**
 * Step 1 for several invoices in one transaction (each under its own invoice lock, as one by one):
 * one statement per table for the lot. All or nothing: a unique index refusing one of them refuses
 * the batch, and the caller records each again on its own (recordAttempt), so the others are still
 * recorded and the refused one reads as taken. Answers in the candidates' order (null: nothing open).
 */
export async function recordAttempts(ctx: AppContext, scope: InstallationScope, cs: readonly AutopayCandidate[], trigger: 'autopay' | 'charge_now'): Promise<Array<AttemptRow | null>> {
  const now = ctx.clock.now();
  return transactionRetried(scope, async (tx) => {
    // What is open now, under the invoices' locks: the candidates were read earlier and credit may have paid part of them.
    const open = await lockOpenAmounts(tx, cs.map((c) => c.invoiceId), null);
    const attempts = cs.map((c): AttemptRow | null => {
      const amount = Math.min(c.amount, open.get(c.invoiceId)?.open ?? 0);
      if (amount <= 0) return null;
      return {
        id: randomUUID(), invoice_id: c.invoiceId, client_id: c.clientId, attempt_no: c.attemptNo, idempotency_key: autopayKey(c.invoiceId, c.attemptNo), payment_id: randomUUID(),
        payment_method_id: c.paymentMethodRowId, amount, currency: c.currency, status: 'in_flight', trigger, created_at: now,
      };
    });
    const made = cs.flatMap((c, i) => (attempts[i] ? [{ c, a: attempts[i] }] : []));
    if (made.length === 0) return attempts;
    await tx.insert('payments', made.map(({ c, a }) => ({
      id: a.payment_id, client_id: c.clientId, source: 'autopay', status: 'pending', amount: a.amount, currency: c.currency, method_type: c.methodType,
      method_label: c.methodLabel, payment_method_id: c.paymentMethodRowId, idempotency_key: a.idempotency_key, created_by_kind: 'system', received_at: now, created_at: now, updated_at: now,
    })));
    await tx.insert('allocations', made.map(({ c, a }) => ({ payment_id: a.payment_id, invoice_id: c.invoiceId, amount: a.amount, currency: c.currency, rule: 'metadata', confidence: 1, state: 'pending', created_by_kind: 'system', created_at: now })));
    await tx.insert('charge_attempts', made.map(({ a }) => ({ ...a, scheduled_for: now, updated_at: now })));
    await enqueuePsaWriteBacks(tx, made.map(({ a }) => a.payment_id), ctx.clock);
    const label = trigger === 'autopay' ? 'autopay' : 'charge now';
    await recordAudits(tx, made.map(({ c, a }) => ({ actor: { type: 'system', id: null, label }, action: 'autopay.charge_started', subjectType: 'invoice', subjectId: c.invoiceId, clientId: c.clientId, details: { attemptNo: c.attemptNo, amount: a.amount, currency: c.currency, method: c.methodLabel } })), ctx.clock);
    // Each attempt's sync ticket, taken now (before its Stripe request, as the ordering rule asks)
    // with the others' in one statement instead of one round trip per charge.
    const tickets = (await tx.db.raw("select nextval('stripe_sync_seq') as seq from generate_series(1, ?)", [made.length])) as { rows: Array<{ seq: number | string }> };
    made.forEach(({ a }, i) => ticketOf.set(a, Number(tickets.rows[i]!.seq)));
    return attempts;
  });
}

/** Sync tickets taken when attempts were recorded, used (once) by their first request. */
const ticketOf = new WeakMap<AttemptRow, SyncTicket>();

/** The attempt's ticket taken when it was recorded, or a new one. */
async function ticketFor(scope: InstallationScope, attempt: AttemptRow): Promise<SyncTicket> {
  const taken = ticketOf.get(attempt);
  ticketOf.delete(attempt);
  return taken ?? takeSyncTicket(scope.db);
}

/**
 * A transaction run again from the start (nothing of it was committed) when PostgreSQL made it a
 * deadlock's victim — two processes charging the same clients lock invoices and summary rows in
 * different orders now and then — up to three times.
 */
const transactionRetried = <T>(scope: InstallationScope, fn: (tx: InstallationScope) => Promise<T>): Promise<T> => retryTransaction(scope, fn, DEADLOCK_CODES);

/**
 * Step 1 for a whole run: attempts asked for a few milliseconds apart are recorded together
 * (recordAttempts), each still before its own Stripe call; a batch that fails is recorded one by one.
 */
export function attemptRecorder(ctx: AppContext, scope: InstallationScope, trigger: 'autopay' | 'charge_now', options: Partial<CoalescerOptions> = {}): AttemptRecorder {
  return new Coalescer<AutopayCandidate, AttemptRow | null>(
    (cs) => recordAttempts(ctx, scope, cs, trigger),
    (c) => recordAttempt(ctx, scope, c, trigger),
    { maxBatch: 32, waitMs: 3, lanes: 2, ...options },
  );
}

export type AttemptRecorder = Coalescer<AutopayCandidate, AttemptRow | null>;

/** Steps 0–3 for one invoice. */
export async function chargeInvoice(
  ctx: AppContext,
  scope: InstallationScope,
  stripe: Stripe,
  c: AutopayCandidate,
  policy: RetryPolicy,
  trigger: 'autopay' | 'charge_now' = 'autopay',
  options: ChargeOptions = {},
): Promise<ChargeOutcome> {
  // Credit first (selectDueInvoices says which clients hold any; unknown: look).
  const credit = c.hasCredit === false ? { applied: 0, amountToCharge: c.amount } : await applyCreditsBeforeAutopay(scope, { clientId: c.clientId, invoiceId: c.invoiceId }, ctx.clock);
  if (credit.amountToCharge <= 0) return credit.applied > 0 ? 'credited' : 'skipped';
  const attempt = options.recorder ? await options.recorder.submit(c) : await recordAttempt(ctx, scope, c, trigger);
  if (!attempt) return credit.applied > 0 ? 'credited' : 'skipped';
  await checkpoint(options, 'attempt_recorded', c.invoiceId);
  const facts: IntentFacts = {
    invoiceId: c.invoiceId, invoiceNumber: c.invoiceNumber, clientId: c.clientId, customerId: c.customerId, amount: attempt.amount, currency: c.currency,
    stripePaymentMethodId: c.stripePaymentMethodId, methodType: c.methodType, mandateId: c.mandateId, attemptNo: attempt.attempt_no, attemptId: attempt.id, paymentId: attempt.payment_id,
  };
  return sendAndRecord(ctx, scope, stripe, attempt, facts, policy, c.firstFailureAt, options);
}

async function checkpoint(options: ChargeOptions, point: ChargeCheckpoint, invoiceId: string): Promise<void> {
  envCheckpoint(point);
  await options.checkpoint?.(point, invoiceId);
}

type CreateAnswer =
  | { kind: 'intent'; intent: Stripe.PaymentIntent; replayed: boolean }
  | { kind: 'refused'; code: string; message: string }
  | { kind: 'conflict' }
  | { kind: 'unknown'; err: unknown };

const replayedHeader = (headers: Record<string, unknown> | undefined): boolean => headers?.['idempotent-replayed'] === 'true';

/** Step 2: one create (re-sent with the same key after a lost connection or a 5xx, twice at most). */
async function createIntent(stripe: Stripe, bucket: TokenBucket | null, params: Stripe.PaymentIntentCreateParams, key: string): Promise<CreateAnswer> {
  for (let sent = 1; ; sent++) {
    try {
      const intent = await limitedStripeCall(bucket, () => stripe.paymentIntents.create(params, { idempotencyKey: key, maxNetworkRetries: 0 }));
      return { kind: 'intent', intent, replayed: replayedHeader(intent.lastResponse?.headers) };
    } catch (err) {
      if (!(err instanceof Stripe.errors.StripeError)) return { kind: 'unknown', err };
      const failed = (err.raw as { payment_intent?: Stripe.PaymentIntent } | undefined)?.payment_intent;
      if (failed?.id) return { kind: 'intent', intent: failed, replayed: replayedHeader(err.headers) };
      if (err.type === 'StripeIdempotencyError') return { kind: 'conflict' };
      if (err instanceof Stripe.errors.StripeCardError || (err instanceof Stripe.errors.StripeInvalidRequestError && err.code !== 'idempotency_key_in_use')) {
        // Refused before an intent existed (say the method was detached): a hard failure, nothing charged.
        return { kind: 'refused', code: err.code ?? 'payment_method_unusable', message: err.message };
      }
      const transient = err instanceof Stripe.errors.StripeConnectionError || err instanceof Stripe.errors.StripeAPIError;
      if (!transient || sent >= 3) return { kind: 'unknown', err };
      await new Promise((r) => setTimeout(r, 200 * sent));
    }
  }
}

/** Steps 2–3: send the create (or its replay) and write what came back. */
async function sendAndRecord(
  ctx: AppContext,
  scope: InstallationScope,
  stripe: Stripe,
  attempt: AttemptRow,
  facts: IntentFacts,
  policy: RetryPolicy,
  firstFailureAt: Date | null,
  options: ChargeOptions,
): Promise<ChargeOutcome> {
  const bucket = options.bucket ?? null;
  const ticket = await ticketFor(scope, attempt);
  const answer = await createIntent(stripe, bucket, intentParams(scope.installationId, facts), attempt.idempotency_key);
  await checkpoint(options, 'stripe_answered', attempt.invoice_id);
  if (answer.kind === 'refused') {
    await finishWithoutIntent(ctx, scope, attempt, answer.code, answer.message);
    return 'failed';
  }
  if (answer.kind === 'conflict') {
    // The key was used with other parameters (it expired and was reused?): only a search can tell.
    const found = await searchIntent(scope, stripe, bucket, attempt);
    if (found) return settle(ctx, scope, stripe, attempt, found, facts.methodType, policy, firstFailureAt, options);
    return markUnknown(ctx, scope, attempt, new Error('idempotency key conflict and no intent found by metadata'));
  }
  if (answer.kind === 'unknown') return markUnknown(ctx, scope, attempt, answer.err);
  let intent = answer.intent;
  let intentTicket = ticket;
  if (answer.replayed) {
    // A replay answers with the intent as it was at the first request; what counts is how it is now.
    intentTicket = await takeSyncTicket(scope.db);
    intent = await limitedStripeCall(bucket, () => stripe.paymentIntents.retrieve(intent.id, {}, { maxNetworkRetries: 0 }));
  }
  return settle(ctx, scope, stripe, attempt, { intent, ticket: intentTicket }, facts.methodType, policy, firstFailureAt, options);
}

async function markUnknown(ctx: AppContext, scope: InstallationScope, attempt: AttemptRow, err: unknown): Promise<ChargeOutcome> {
  // No answer we can trust (network, 5xx, 429s without end): the outcome is unknown and the invoice
  // stays locked until a replay of this very request (or a search) resolves it.
  await scope.from('charge_attempts').where({ id: attempt.id }).whereIn('status', ['in_flight', 'unknown']).update({ status: 'unknown', updated_at: ctx.clock.now() });
  ctx.logger.warn({ err, attemptId: attempt.id }, 'autopay charge outcome unknown; it will be resolved by replaying the same request');
  return 'unknown';
}

/** The intent made for an attempt, found by its metadata (with a ticket taken before the search). */
async function searchIntent(scope: InstallationScope, stripe: Stripe, bucket: TokenBucket | null, attempt: AttemptRow): Promise<{ intent: Stripe.PaymentIntent; ticket: SyncTicket } | null> {
  const ticket = await takeSyncTicket(scope.db);
  const result = await limitedStripeCall(bucket, () =>
    stripe.paymentIntents.search({ query: `metadata['settle_charge_attempt_id']:'${attempt.id}'`, limit: 10 }, { maxNetworkRetries: 0 }),
  );
  const intent = result.data.find((pi) => pi.metadata.settle_charge_attempt_id === attempt.id);
  return intent ? { intent, ticket } : null;
}

/**
 * Step 3: cancel a failed intent (it must never charge later) unless the client can still complete
 * it on-session (`authentication_required`), then write the intent id, the payment converged from
 * the intent in hand and the attempt's outcome in one transaction.
 */
async function settle(
  ctx: AppContext,
  scope: InstallationScope,
  stripe: Stripe,
  attempt: AttemptRow,
  seen: { intent: Stripe.PaymentIntent; ticket: SyncTicket },
  methodType: 'card' | 'us_bank_account',
  policy: RetryPolicy,
  firstFailureAt: Date | null,
  options: ChargeOptions,
): Promise<ChargeOutcome> {
  let { intent, ticket } = seen;
  const outcomeIntent = intent;
  if (intent.status === 'requires_payment_method' && !leftForAuthentication(intent)) {
    const cancelTicket = await takeSyncTicket(scope.db);
    try {
      intent = await limitedStripeCall(options.bucket ?? null, () => stripe.paymentIntents.cancel(intent.id, {}, { idempotencyKey: `cancel:${intent.id}`, maxNetworkRetries: 0 }));
      ticket = cancelTicket;
    } catch (err) {
      ctx.logger.warn({ err, intentId: intent.id }, 'could not cancel a failed autopay intent');
    }
  }
  const env = { clock: ctx.clock, logger: ctx.logger, publicUrl: ctx.config.publicUrl };
  const write = async (tx: InstallationScope) => {
    await writePaymentIntent(tx, { paymentId: attempt.payment_id, intent, ticket, recordIntentId: true }, env);
    return recordOutcome(ctx, tx, attempt, outcomeIntent, methodType, policy, firstFailureAt);
  };
  return options.writer ? options.writer.submit({ clientId: attempt.client_id, write }) : transactionRetried(scope, write);
}

/** One charge's step-3 write, for an OutcomeWriter. */
export interface OutcomeWrite {
  clientId: string;
  write: (tx: InstallationScope) => Promise<ChargeOutcome>;
}

export type OutcomeWriter = Coalescer<OutcomeWrite, ChargeOutcome>;

/**
 * Step 3 for a whole run: answers that arrive a few milliseconds apart are written in one
 * transaction, one after the other, ordered by client (each charge locks its client's summary row,
 * so two batches, or a batch and a batch of attempts, take those locks in the same order). A batch
 * that fails (one charge's write throwing, a deadlock) rolls back whole and each charge is written
 * again in a transaction of its own, so one bad write never costs the others their outcome.
 */
export function outcomeWriter(scope: InstallationScope, options: Partial<CoalescerOptions> = {}): OutcomeWriter {
  return new Coalescer<OutcomeWrite, ChargeOutcome>(
    (writes) =>
      transactionRetried(scope, async (tx) => {
        const order = writes.map((_, i) => i).sort((a, b) => (writes[a]!.clientId < writes[b]!.clientId ? -1 : writes[a]!.clientId > writes[b]!.clientId ? 1 : a - b));
        const outs: ChargeOutcome[] = new Array<ChargeOutcome>(writes.length);
        for (const i of order) outs[i] = await writes[i]!.write(tx);
        return outs;
      }),
    (w) => transactionRetried(scope, w.write),
    { maxBatch: 16, waitMs: 3, lanes: 4, ...options },
  );
}

/** A failed off-session charge the client can still complete on-session: left open for them. */
function leftForAuthentication(intent: Stripe.PaymentIntent): boolean {
  const error = intent.last_payment_error;
  return error?.code === 'authentication_required' || error?.decline_code === 'authentication_required';
}

/**
 * Steps 2–3 (or their replay) for a recorded attempt whose outcome is not known or not final yet:
 * re-read the intent when its id is recorded; otherwise replay the create with the same key — or,
 * when the key may have expired, search by metadata first and create only if there is none.
 */
export async function completeAttempt(
  ctx: AppContext,
  scope: InstallationScope,
  stripe: Stripe,
  attempt: AttemptRow,
  policy: RetryPolicy,
  firstFailureAt: Date | null,
  options: ChargeOptions = {},
): Promise<ChargeOutcome> {
  const bucket = options.bucket ?? null;
  const row = (await scope
    .from('charge_attempts')
    .join('invoices as i', (j) => j.on('i.installation_id', 'charge_attempts.installation_id').andOn('i.id', 'charge_attempts.invoice_id'))
    .join('clients as c', (j) => j.on('c.installation_id', 'charge_attempts.installation_id').andOn('c.id', 'charge_attempts.client_id'))
    .join('payment_methods as m', (j) => j.on('m.installation_id', 'charge_attempts.installation_id').andOn('m.id', 'charge_attempts.payment_method_id'))
    .join('payments as p', (j) => j.on('p.installation_id', 'charge_attempts.installation_id').andOn('p.id', 'charge_attempts.payment_id'))
    .where('charge_attempts.id', attempt.id)
    .first('i.number', 'c.stripe_customer_id', 'm.stripe_payment_method_id', 'm.type', 'm.mandate_id', 'p.stripe_payment_intent_id')) as {
    number: string;
    stripe_customer_id: string;
    stripe_payment_method_id: string;
    type: 'card' | 'us_bank_account';
    mandate_id: string | null;
    stripe_payment_intent_id: string | null;
  };
  if (row.stripe_payment_intent_id) {
    const ticket = await takeSyncTicket(scope.db);
    const intentId = row.stripe_payment_intent_id;
    const intent = await limitedStripeCall(bucket, () => stripe.paymentIntents.retrieve(intentId, {}, { maxNetworkRetries: 0 }));
    return settle(ctx, scope, stripe, attempt, { intent, ticket }, row.type, policy, firstFailureAt, options);
  }
  if (ctx.clock.now().getTime() - new Date(attempt.created_at).getTime() > KEY_TRUST_MS) {
    const found = await searchIntent(scope, stripe, bucket, attempt);
    if (found) return settle(ctx, scope, stripe, attempt, found, row.type, policy, firstFailureAt, options);
    // None was made (the search index lags a minute at most; this attempt is hours old): the key has
    // expired, so the create below runs afresh.
  }
  const facts: IntentFacts = {
    invoiceId: attempt.invoice_id, invoiceNumber: row.number, clientId: attempt.client_id, customerId: row.stripe_customer_id, amount: attempt.amount, currency: attempt.currency,
    stripePaymentMethodId: row.stripe_payment_method_id, methodType: row.type, mandateId: row.mandate_id, attemptNo: attempt.attempt_no, attemptId: attempt.id, paymentId: attempt.payment_id,
  };
  return sendAndRecord(ctx, scope, stripe, attempt, facts, policy, firstFailureAt, options);
}

async function recordOutcome(ctx: AppContext, tx: InstallationScope, attempt: AttemptRow, intent: Stripe.PaymentIntent, methodType: 'card' | 'us_bank_account', policy: RetryPolicy, firstFailureAt: Date | null): Promise<ChargeOutcome> {
  const now = ctx.clock.now();
  const error = intent.last_payment_error;
  const outcome: ChargeOutcome =
    intent.status === 'succeeded' ? 'succeeded' : intent.status === 'processing' ? 'processing' : intent.status === 'requires_action' ? 'requires_action' : 'failed';
  const failureCode = outcome === 'failed' ? (error?.code ?? 'payment_failed') : null;
  const declineCode = outcome === 'failed' ? (error?.decline_code ?? null) : null;
  const kind = outcome === 'requires_action' ? 'authentication_required' : classifyDecline({ failureCode, declineCode });
  const retryAt =
    outcome === 'failed' || outcome === 'requires_action'
      ? nextRetryAt({ kind, attemptNo: attempt.attempt_no, methodType, firstFailureAt: firstFailureAt ?? now, policy })
      : null;
  await tx.from('charge_attempts').where({ id: attempt.id }).update({ status: outcome, failure_code: failureCode, decline_code: declineCode, next_retry_at: retryAt, updated_at: now });
  return outcome;
}

async function finishWithoutIntent(ctx: AppContext, scope: InstallationScope, attempt: AttemptRow, code: string, message: string): Promise<void> {
  const now = ctx.clock.now();
  await scope.transaction(async (tx) => {
    await tx.from('payments').where({ id: attempt.payment_id }).update({ status: 'failed', failure_code: code, failure_message: message.slice(0, 500), updated_at: now });
    await tx.from('allocations').where({ payment_id: attempt.payment_id, state: 'pending' }).update({ state: 'canceled', reversed_at: now });
    await tx.from('charge_attempts').where({ id: attempt.id }).update({ status: 'failed', failure_code: code, next_retry_at: null, updated_at: now });
    await enqueuePsaWriteBack(tx, { paymentId: attempt.payment_id }, ctx.clock);
  });
}
