// A technician refunds all or part of a payment, with a reason. Exactly once, whatever crashes:
// 1. One transaction locks the payment, checks what is left to refund (REFUND_EXCEEDS_PAID) and the
//    MSP's technician limit (REFUND_ABOVE_TECHNICIAN_LIMIT), and records the refund row `pending`
//    before Stripe is called. The row's id is the request id the dialog generated, so submitting the
//    same dialog twice is one refund.
// 2. Stripe is asked with the idempotency key `refund:{refundId}` and metadata settle_refund_id.
// 3. Stripe's answer is written like any sync (writeRefundRow finds the row by its metadata) and
//    the ledger reverses the money (settleRefund: credit first, then most recent invoice first).
// If Stripe's answer is lost, the row stays pending without a Stripe id and has no effect on the
// ledger; the next refund request for the payment replays it with the same key before anything else.
// Offline payments (check, wire, cash) are refunded outside Stripe: the row is recorded succeeded.
import Stripe from 'stripe';
import { recordAudit, type AuditActor } from '../audit/record-audit';
import type { InstallationScope } from '../db/tenant-scope';
import { AppError } from '../http/app-error';
import type { AppContext } from '../http/context';
import { recomputeAmountRefunded, settleRefundsInLedger, writeRefundRow } from '../payments/sync-refund';
import { takeSyncTicket } from '../stripe/sync-ticket';
import { paymentPosition } from './payment-position';

export interface RefundPaymentInput {
  refundId: string;
  paymentId: string;
  amount: number;
  reason: string;
  staff: { id: string; role: 'admin' | 'technician' };
  audit: AuditActor;
  ip?: string | undefined;
  requestId?: string | undefined;
}

export interface RefundView {
  id: string;
  paymentId: string;
  amount: number;
  currency: string;
  status: string;
  reason: string | null;
  failureReason: string | null;
  confirmed: boolean;
  createdAt: string;
}

const OPEN_DISPUTE = new Set(['warning_needs_response', 'warning_under_review', 'needs_response', 'under_review']);

interface RefundRow {
  id: string;
  payment_id: string;
  amount: number | string;
  currency: string;
  status: string;
  note: string | null;
  failure_reason: string | null;
  stripe_refund_id: string | null;
  created_at: Date;
}

export function toRefundView(r: RefundRow): RefundView {
  return {
    id: r.id,
    paymentId: r.payment_id,
    amount: Number(r.amount),
    currency: r.currency.trim(),
    status: r.status,
    reason: r.note,
    failureReason: r.failure_reason,
    confirmed: r.stripe_refund_id !== null || r.status !== 'pending',
    createdAt: new Date(r.created_at).toISOString(),
  };
}

/** Step 1: the refund row, or the existing one for this request id. */
async function recordRefund(ctx: AppContext, scope: InstallationScope, input: RefundPaymentInput): Promise<{ row: RefundRow; source: string; intentId: string | null; existing: boolean }> {
  return scope.transaction(async (tx) => {
    const position = await paymentPosition(tx, input.paymentId, { lock: true });
    const payment = (await tx.from('payments').where({ id: input.paymentId }).first('source', 'stripe_payment_intent_id')) as { source: string; stripe_payment_intent_id: string | null };
    const existing = (await tx.from('refunds').where({ id: input.refundId }).first()) as RefundRow | undefined;
    if (existing) {
      if (existing.payment_id !== input.paymentId || Number(existing.amount) !== input.amount) throw new AppError('REFUND_REQUEST_CONFLICT');
      return { row: existing, source: payment.source, intentId: payment.stripe_payment_intent_id, existing: true };
    }
    if (position.status !== 'succeeded') throw new AppError('REFUND_NOT_ALLOWED', { message: 'Only a payment that succeeded can be refunded.' });
    if (payment.source !== 'offline' && !payment.stripe_payment_intent_id) {
      throw new AppError('REFUND_NOT_ALLOWED', { message: 'A bank transfer sits in the customer’s Stripe cash balance; return it from the Stripe Dashboard.' });
    }
    if (position.disputeStatus && (OPEN_DISPUTE.has(position.disputeStatus) || position.disputeStatus === 'lost')) {
      throw new AppError('REFUND_NOT_ALLOWED', { message: 'This payment is disputed; the card network handles the money now, so it cannot be refunded.' });
    }
    const left = position.amount - position.amountRefunded - (position.disputeStatus === 'lost' ? position.amount : 0);
    if (input.amount > left) {
      throw new AppError('REFUND_EXCEEDS_PAID', { fields: [{ path: 'amount', message: `At most ${Math.max(left, 0)} (cents) can still be refunded.` }] });
    }
    if (input.staff.role !== 'admin') {
      const inst = (await tx.db('installations').where({ id: tx.installationId }).first('refund_technician_limit')) as { refund_technician_limit: number | string | null };
      const limit = inst.refund_technician_limit === null ? null : Number(inst.refund_technician_limit);
      if (limit !== null && input.amount > limit) {
        throw new AppError('REFUND_ABOVE_TECHNICIAN_LIMIT', { message: `Refunds above ${limit} (cents) need an admin.`, fields: [{ path: 'amount', message: 'Ask an admin to make this refund.' }] });
      }
    }
    const now = ctx.clock.now();
    const offline = payment.source === 'offline';
    const [row] = (await tx
      .insert('refunds', {
        id: input.refundId, payment_id: input.paymentId, amount: input.amount, currency: position.currency, status: offline ? 'succeeded' : 'pending',
        reason: 'requested_by_customer', note: input.reason, idempotency_key: `refund:${input.refundId}`, requested_by: input.staff.id, created_at: now, updated_at: now,
      })
      .returning('*')) as RefundRow[];
    await recomputeAmountRefunded(tx, { id: input.paymentId, amount: position.amount }, now);
    await recordAudit(tx, { actor: input.audit, action: 'refund.requested', subjectType: 'payment', subjectId: input.paymentId, clientId: position.clientId, details: { refundId: input.refundId, amount: input.amount, currency: position.currency, reason: input.reason }, ip: input.ip, requestId: input.requestId }, ctx.clock);
    await settleRefundsInLedger(tx, input.paymentId, offline ? [row!.id] : [], ctx.clock);
    return { row: row!, source: payment.source, intentId: payment.stripe_payment_intent_id, existing: false };
  });
}

/** Steps 2–3 for a recorded, unconfirmed refund (also the replay of a lost answer). */
async function confirmWithStripe(ctx: AppContext, scope: InstallationScope, stripe: Stripe, row: RefundRow, intentId: string): Promise<void> {
  const ticket = await takeSyncTicket(scope.db);
  let refund: Stripe.Refund;
  try {
    refund = await stripe.refunds.create(
      { payment_intent: intentId, amount: Number(row.amount), reason: 'requested_by_customer', metadata: { settle_refund_id: row.id, settle_installation_id: scope.installationId } },
      { idempotencyKey: `refund:${row.id}` },
    );
  } catch (err) {
    const definitive = err instanceof Stripe.errors.StripeInvalidRequestError || err instanceof Stripe.errors.StripeCardError;
    if (!definitive) throw new AppError('STRIPE_UNAVAILABLE', { message: 'Stripe did not answer. The refund is recorded as requested; submit it again to finish it (it will not be refunded twice).', cause: err });
    const code = (err as Stripe.errors.StripeError).code ?? 'refused';
    await scope.transaction(async (tx) => {
      const now = ctx.clock.now();
      await tx.from('refunds').where({ id: row.id, status: 'pending' }).whereNull('stripe_refund_id').update({ status: 'failed', failure_reason: code, updated_at: now });
      const p = (await tx.from('payments').where({ id: row.payment_id }).first('amount')) as { amount: number };
      await recomputeAmountRefunded(tx, { id: row.payment_id, amount: Number(p.amount) }, now);
      await settleRefundsInLedger(tx, row.payment_id, [], ctx.clock);
    });
    throw new AppError('REFUND_REFUSED', { message: `Stripe refused the refund (${code}): ${(err as Error).message}`, cause: err });
  }
  await scope.transaction(async (tx) => {
    const now = ctx.clock.now();
    const written = await writeRefundRow(tx, row.payment_id, refund, ticket, now);
    const p = (await tx.from('payments').where({ id: row.payment_id }).first('amount')) as { amount: number };
    await recomputeAmountRefunded(tx, { id: row.payment_id, amount: Number(p.amount) }, now);
    await settleRefundsInLedger(tx, row.payment_id, [written.refundRowId ?? row.id], ctx.clock);
  });
}

/**
 * Refunds a payment (see the file comment). Returns the refund as it stands: `succeeded` for cards
 * and offline payments, `pending` for ACH until the bank confirms (the ledger has already reopened
 * the invoices, since Stripe takes the money back at once). Idempotent by refundId.
 */
export async function refundPayment(ctx: AppContext, scope: InstallationScope, input: RefundPaymentInput): Promise<RefundView> {
  if (!Number.isSafeInteger(input.amount) || input.amount <= 0) throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'amount', message: 'Use a whole number of cents above zero.' }] });
  const payment = (await scope.from('payments').where({ id: input.paymentId }).first('source')) as { source: string } | undefined;
  if (!payment) throw new AppError('PAYMENT_NOT_FOUND');
  const stripe = payment.source === 'offline' ? null : (await ctx.stripe.forInstallation(ctx.db, scope.installationId)).stripe;
  if (stripe) {
    // Earlier requests whose answer was lost are finished first, so the limit below counts them.
    const unconfirmed = (await scope.from('refunds').where({ payment_id: input.paymentId, status: 'pending' }).whereNull('stripe_refund_id').whereNot('id', input.refundId).select('*')) as RefundRow[];
    const intent = (await scope.from('payments').where({ id: input.paymentId }).first('stripe_payment_intent_id')) as { stripe_payment_intent_id: string | null };
    for (const row of unconfirmed) if (intent.stripe_payment_intent_id) await confirmWithStripe(ctx, scope, stripe, row, intent.stripe_payment_intent_id);
  }
  const recorded = await recordRefund(ctx, scope, input);
  if (stripe && recorded.intentId && recorded.row.stripe_refund_id === null && recorded.row.status === 'pending') {
    await confirmWithStripe(ctx, scope, stripe, recorded.row, recorded.intentId);
  }
  const row = (await scope.from('refunds').where({ id: input.refundId }).first()) as RefundRow;
  return toRefundView(row);
}
