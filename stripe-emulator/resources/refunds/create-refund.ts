import type Stripe from 'stripe';
import type { AccountState, RefundRecord } from '../../core/account-state.js';
import { addBusinessDays } from '../../core/clock.js';
import { idOf, timeForCustomer, type Emulator } from '../../core/emulator.js';
import { newId } from '../../core/ids.js';
import { invalidRequest, resourceMissing } from '../../core/stripe-error.js';
import { emitEvent } from '../events/emit-event.js';

export interface CreateRefundInput {
  charge?: string | undefined;
  payment_intent?: string | undefined;
  amount?: number | undefined;
  reason?: 'duplicate' | 'fraudulent' | 'requested_by_customer' | undefined;
  metadata?: Record<string, string> | undefined;
}

/** Business days an ACH refund stays `pending` on a test clock (real time: `bankSettlementDelayMs`). */
export const ACH_REFUND_BUSINESS_DAYS = 4;

function money(amount: number, currency: string): string {
  return currency === 'usd' ? `$${(amount / 100).toFixed(2)}` : `${(amount / 100).toFixed(2)} ${currency.toUpperCase()}`;
}

function chargeFor(account: AccountState, input: CreateRefundInput): Stripe.Charge {
  if (input.charge !== undefined && input.payment_intent !== undefined) {
    throw invalidRequest('You can only specify one of these parameters: charge, payment_intent.', { param: 'payment_intent' });
  }
  if (input.charge !== undefined) {
    const rec = account.charges.get(input.charge);
    if (!rec) throw resourceMissing('charge', input.charge, 'charge');
    return rec.object;
  }
  if (input.payment_intent !== undefined) {
    const pi = account.paymentIntents.get(input.payment_intent);
    if (!pi) throw resourceMissing('payment_intent', input.payment_intent, 'payment_intent');
    const charge = account.charges.get(idOf(pi.object.latest_charge) ?? '')?.object;
    if (!charge || pi.object.status !== 'succeeded') {
      throw invalidRequest(`This PaymentIntent (${pi.object.id}) does not have a successful charge to refund.`, { param: 'payment_intent', code: 'charge_not_refundable' });
    }
    return charge;
  }
  throw invalidRequest('One of the following params should be provided for this request: payment_intent or charge.', { code: 'parameter_missing' });
}

/**
 * Refunds all or part of a succeeded charge. Card refunds succeed at once (4000000000005126 fails
 * later); ACH refunds stay `pending` until the settlement delay or test-clock time has passed.
 * Emits `refund.created` and `charge.refunded`. Refuses over-refunds and disputed charges like
 * Stripe. Not idempotent without an Idempotency-Key.
 */
export function createRefund(em: Emulator, account: AccountState, input: CreateRefundInput): Stripe.Refund {
  const charge = chargeFor(account, input);
  if (charge.status !== 'succeeded') {
    throw invalidRequest(`Charge ${charge.id} cannot be refunded because its status is ${charge.status}.`, { param: 'charge', code: 'charge_not_refundable' });
  }
  if (charge.disputed) throw invalidRequest(`Charge ${charge.id} has been charged back; cannot issue a refund.`, { code: 'charge_disputed' });
  const remaining = charge.amount - charge.amount_refunded;
  if (remaining <= 0) throw invalidRequest(`Charge ${charge.id} has already been refunded.`, { code: 'charge_already_refunded' });
  const amount = input.amount ?? remaining;
  if (amount < 1) throw invalidRequest('Invalid positive integer', { param: 'amount', code: 'parameter_invalid_integer' });
  if (amount > remaining) {
    const what = charge.amount_refunded > 0 ? `unrefunded amount on charge (${money(remaining, charge.currency)})` : `charge amount (${money(charge.amount, charge.currency)})`;
    throw invalidRequest(`Refund amount (${money(amount, charge.currency)}) is greater than ${what}`, { param: 'amount', code: 'amount_too_large' });
  }
  const pm = account.paymentMethods.get(idOf(charge.payment_method) ?? '');
  const isBank = charge.payment_method_details?.type === 'us_bank_account';
  const customerId = idOf(charge.customer as string | null);
  const { ms, clockId } = timeForCustomer(em, account, customerId);
  const refund: Stripe.Refund = {
    id: newId('re'),
    object: 'refund',
    amount,
    balance_transaction: newId('txn'),
    charge: charge.id,
    created: Math.floor(ms / 1000),
    currency: charge.currency,
    customer: customerId,
    customer_account: null,
    destination_details: isBank ? { type: 'us_bank_transfer', us_bank_transfer: { reference: null, reference_status: 'pending' } } : { type: 'card', card: { reference_status: 'pending', reference_type: 'acquirer_reference_number', type: 'refund' } },
    metadata: input.metadata ?? {},
    payment_intent: charge.payment_intent,
    payment_method: idOf(charge.payment_method),
    reason: input.reason ?? null,
    receipt_number: null,
    source_transfer_reversal: null,
    status: isBank ? 'pending' : 'succeeded',
    transfer_reversal: null,
  } as Stripe.Refund;
  const failLater = pm?.meta.behavior.kind === 'card' && pm.meta.behavior.outcome === 'refund_fail';
  account.refunds.set(refund.id, { object: refund, meta: { failLater } });
  const before = structuredClone(charge);
  charge.amount_refunded += amount;
  charge.refunded = charge.amount_refunded === charge.amount;
  emitEvent(em, account, 'refund.created', refund);
  emitEvent(em, account, 'charge.refunded', charge, before);
  if (isBank || failLater) {
    const dueAtMs = clockId ? addBusinessDays(Math.floor(ms / 1000), isBank ? ACH_REFUND_BUSINESS_DAYS : 1) * 1000 : em.clock.nowMs() + em.options.bankSettlementDelayMs;
    em.scheduler.schedule({ accountId: account.id, clockId, dueAtMs, kind: 'settle_refund', targetId: refund.id });
  }
  return refund;
}

function update(em: Emulator, account: AccountState, refund: Stripe.Refund, before: Stripe.Refund): void {
  emitEvent(em, account, 'refund.updated', refund, before);
  emitEvent(em, account, 'charge.refund.updated', refund, before);
}

/**
 * Scheduled outcome of a refund: a pending ACH refund succeeds; a refund on 4000000000005126
 * fails (`refund.failed`) and its amount returns to the charge. Idempotent.
 */
export function settleRefund(em: Emulator, account: AccountState, rec: RefundRecord): void {
  const refund = rec.object;
  const before = structuredClone(refund);
  if (rec.meta.failLater && refund.status === 'succeeded') {
    refund.status = 'failed';
    refund.failure_reason = 'expired_or_canceled_card';
    refund.failure_balance_transaction = newId('txn');
    const charge = account.charges.get(idOf(refund.charge) ?? '')?.object;
    if (charge) {
      charge.amount_refunded -= refund.amount;
      charge.refunded = false;
    }
    update(em, account, refund, before);
    emitEvent(em, account, 'refund.failed', refund, before);
    return;
  }
  if (refund.status !== 'pending') return;
  refund.status = 'succeeded';
  if (refund.destination_details?.us_bank_transfer) refund.destination_details.us_bank_transfer.reference_status = 'available';
  update(em, account, refund, before);
}
