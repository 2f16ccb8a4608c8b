// One automatic charge of one invoice, exactly once whatever crashes:
// 1. One transaction records the charge attempt (unique per invoice and attempt number, at most one
//    in flight per invoice), the payment and its pending split (the same one-in-flight lock the
//    portal uses) — before Stripe is called.
// 2. The PaymentIntent is created off-session and confirmed with the idempotency key
//    `autopay:{invoiceId}:{attemptNo}` and metadata tying it to the installation, client, invoice,
//    attempt and payment. Its parameters are a pure function of the attempt row, so the call can be
//    replayed.
// 3. The outcome is recorded and the payment converged from Stripe (syncPaymentIntent; its
//    transition hook moves the invoice). A failed intent is canceled (nothing can charge later) and
//    the next retry is scheduled by the decline policy.
// If the process dies or Stripe does not answer between 1 and 3, the attempt stays `in_flight` or
// becomes `unknown`; resolveAttempt() replays step 2 with the same key — Stripe returns the intent it
// already made, or makes the one that was never made — before anything else touches the invoice.
import { randomUUID } from 'node:crypto';
import Stripe from 'stripe';
import { recordAudit } from '../audit/record-audit';
import type { InstallationScope } from '../db/tenant-scope';
import type { AppContext } from '../http/context';
import { enqueuePsaWriteBack } from '../outbox/enqueue-psa-write-back';
import { syncPaymentIntent } from '../payments/sync-payment-intent';
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

export type ChargeOutcome = 'succeeded' | 'processing' | 'failed' | 'requires_action' | 'unknown' | 'skipped';

export const autopayKey = (invoiceId: string, attemptNo: number): string => `autopay:${invoiceId}:${attemptNo}`;

/** The intent request for an attempt: a pure function of what step 1 stored. */
function intentParams(installationId: string, a: { invoiceId: string; invoiceNumber: string; clientId: string; customerId: string; amount: number; currency: string; stripePaymentMethodId: string; methodType: string; mandateId: string | null; attemptNo: number; attemptId: string; paymentId: string }): Stripe.PaymentIntentCreateParams {
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

/** Step 1. Returns null when another process already holds this invoice (nothing was written). */
async function recordAttempt(ctx: AppContext, scope: InstallationScope, c: AutopayCandidate, trigger: 'autopay' | 'charge_now'): Promise<{ attemptId: string; paymentId: string } | null> {
  const attemptId = randomUUID();
  const paymentId = randomUUID();
  const now = ctx.clock.now();
  const key = autopayKey(c.invoiceId, c.attemptNo);
  try {
    await scope.transaction(async (tx) => {
      await tx.insert('payments', {
        id: paymentId, client_id: c.clientId, source: 'autopay', status: 'pending', amount: c.amount, currency: c.currency, method_type: c.methodType,
        method_label: c.methodLabel, payment_method_id: c.paymentMethodRowId, idempotency_key: key, created_by_kind: 'system', received_at: now, created_at: now, updated_at: now,
      });
      await tx.insert('allocations', { payment_id: paymentId, invoice_id: c.invoiceId, amount: c.amount, currency: c.currency, rule: 'metadata', confidence: 1, state: 'pending', created_by_kind: 'system', created_at: now });
      await tx.insert('charge_attempts', {
        id: attemptId, invoice_id: c.invoiceId, client_id: c.clientId, attempt_no: c.attemptNo, scheduled_for: now, idempotency_key: key, payment_id: paymentId,
        payment_method_id: c.paymentMethodRowId, amount: c.amount, currency: c.currency, status: 'in_flight', trigger, created_at: now, updated_at: now,
      });
      await enqueuePsaWriteBack(tx, { paymentId }, ctx.clock);
      await recordAudit(tx, { actor: { type: 'system', id: null, label: trigger === 'autopay' ? 'autopay' : 'charge now' }, action: 'autopay.charge_started', subjectType: 'invoice', subjectId: c.invoiceId, clientId: c.clientId, details: { attemptNo: c.attemptNo, amount: c.amount, currency: c.currency, method: c.methodLabel } }, ctx.clock);
    });
  } catch (err) {
    // A unique index said no: the attempt number, the in-flight attempt or the pending split exists —
    // another run got there first. Nothing was written.
    if ((err as { code?: string }).code === '23505') return null;
    throw err;
  }
  return { attemptId, paymentId };
}

/** Steps 1–3 for one invoice. */
export async function chargeInvoice(ctx: AppContext, scope: InstallationScope, stripe: Stripe, c: AutopayCandidate, policy: RetryPolicy, trigger: 'autopay' | 'charge_now' = 'autopay'): Promise<ChargeOutcome> {
  const held = await recordAttempt(ctx, scope, c, trigger);
  if (!held) return 'skipped';
  const attempt = (await scope.from('charge_attempts').where({ id: held.attemptId }).first()) as AttemptRow;
  return completeAttempt(ctx, scope, stripe, attempt, policy, c.firstFailureAt);
}

/** Steps 2–3 (or their replay) for a recorded attempt. */
export async function completeAttempt(ctx: AppContext, scope: InstallationScope, stripe: Stripe, attempt: AttemptRow, policy: RetryPolicy, firstFailureAt: Date | null): Promise<ChargeOutcome> {
  const facts = (await scope
    .from('charge_attempts')
    .join('invoices as i', (j) => j.on('i.installation_id', 'charge_attempts.installation_id').andOn('i.id', 'charge_attempts.invoice_id'))
    .join('clients as c', (j) => j.on('c.installation_id', 'charge_attempts.installation_id').andOn('c.id', 'charge_attempts.client_id'))
    .join('payment_methods as m', (j) => j.on('m.installation_id', 'charge_attempts.installation_id').andOn('m.id', 'charge_attempts.payment_method_id'))
    .where('charge_attempts.id', attempt.id)
    .first('i.number', 'c.stripe_customer_id', 'm.stripe_payment_method_id', 'm.type', 'm.mandate_id')) as { number: string; stripe_customer_id: string; stripe_payment_method_id: string; type: 'card' | 'us_bank_account'; mandate_id: string | null };
  const params = intentParams(scope.installationId, {
    invoiceId: attempt.invoice_id, invoiceNumber: facts.number, clientId: attempt.client_id, customerId: facts.stripe_customer_id, amount: attempt.amount, currency: attempt.currency,
    stripePaymentMethodId: facts.stripe_payment_method_id, methodType: facts.type, mandateId: facts.mandate_id, attemptNo: attempt.attempt_no, attemptId: attempt.id, paymentId: attempt.payment_id,
  });
  const recorded = (await scope.from('payments').where({ id: attempt.payment_id }).first('stripe_payment_intent_id')) as { stripe_payment_intent_id: string | null };
  let intentId = recorded.stripe_payment_intent_id;
  if (!intentId) {
    try {
      intentId = (await stripe.paymentIntents.create(params, { idempotencyKey: attempt.idempotency_key })).id;
    } catch (err) {
      const failed = err instanceof Stripe.errors.StripeError ? (err.raw as { payment_intent?: Stripe.PaymentIntent }).payment_intent : undefined;
      if (failed?.id) {
        intentId = failed.id;
      } else if (err instanceof Stripe.errors.StripeCardError || (err instanceof Stripe.errors.StripeInvalidRequestError && err.code !== 'idempotency_key_in_use')) {
        // Refused before an intent existed (say the method was detached): a hard failure, nothing charged.
        await finishWithoutIntent(ctx, scope, attempt, err.code ?? 'payment_method_unusable', err.message);
        return 'failed';
      } else {
        // No answer we can trust (network, 5xx, 429 after the SDK's retries): the outcome is unknown
        // and the invoice stays locked until a replay of this very request resolves it.
        await scope.from('charge_attempts').where({ id: attempt.id }).whereIn('status', ['in_flight', 'unknown']).update({ status: 'unknown', updated_at: ctx.clock.now() });
        ctx.logger.warn({ err, attemptId: attempt.id }, 'autopay charge outcome unknown; it will be resolved by replaying the same request');
        return 'unknown';
      }
    }
    await scope.from('payments').where({ id: attempt.payment_id }).whereNull('stripe_payment_intent_id').update({ stripe_payment_intent_id: intentId, updated_at: ctx.clock.now() });
  }
  const sync = { scope, stripe, clock: ctx.clock, logger: ctx.logger, publicUrl: ctx.config.publicUrl };
  await syncPaymentIntent({ ...sync, paymentIntentId: intentId });
  // A replayed create answers with the intent as it was then; what counts is how it is now.
  const current = await stripe.paymentIntents.retrieve(intentId);
  if (current.status === 'requires_payment_method') {
    // Failed: make sure it can never succeed later, which also frees the invoice for the client.
    await stripe.paymentIntents.cancel(intentId, {}, { idempotencyKey: `cancel:${intentId}` }).catch((err: unknown) => ctx.logger.warn({ err, intentId }, 'could not cancel a failed autopay intent'));
    await syncPaymentIntent({ ...sync, paymentIntentId: intentId });
  }
  return recordOutcome(ctx, scope, attempt, current, facts.type, policy, firstFailureAt);
}

async function recordOutcome(ctx: AppContext, scope: InstallationScope, attempt: AttemptRow, intent: Stripe.PaymentIntent, methodType: 'card' | 'us_bank_account', policy: RetryPolicy, firstFailureAt: Date | null): Promise<ChargeOutcome> {
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
  await scope.from('charge_attempts').where({ id: attempt.id }).update({ status: outcome, failure_code: failureCode, decline_code: declineCode, next_retry_at: retryAt, updated_at: now });
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
