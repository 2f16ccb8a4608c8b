import type Stripe from 'stripe';
import type { AccountState, PaymentIntentRecord, PaymentMethodRecord } from '../../core/account-state.js';
import { addBusinessDays } from '../../core/clock.js';
import { idOf, timeForCustomer, type Emulator } from '../../core/emulator.js';
import { StripeError, invalidRequest } from '../../core/stripe-error.js';
import { createCharge, type ChargeFailure } from '../charges/create-charge.js';
import { openDispute } from '../disputes/open-dispute.js';
import { emitEvent } from '../events/emit-event.js';
import { activeMandateFor, acceptanceFrom, createMandate, type ClientInfo, type MandateDataInput } from '../mandates/create-mandate.js';
import { startMicrodeposits } from '../intents/microdeposits.js';
import { threeDSecureNextAction } from '../three-d-secure/three-d-secure-next-action.js';
import { attachPaymentMethod } from '../payment-methods/attach-payment-method.js';
import { createPaymentMethod, resolvePaymentMethod, type PaymentMethodInput } from '../payment-methods/create-payment-method.js';
import { AUTHENTICATION_REQUIRED, BANK_FAILURE_MESSAGES, CARD_DECLINES } from '../payment-methods/test-behaviors.js';

export interface PaymentConfirmInput {
  payment_method?: string | undefined;
  payment_method_data?: PaymentMethodInput | undefined;
  mandate_data?: MandateDataInput | '' | undefined;
  mandate?: string | undefined;
  off_session?: boolean | undefined;
  error_on_requires_action?: boolean | undefined;
  setup_future_usage?: 'off_session' | 'on_session' | '' | undefined;
  return_url?: string | undefined;
  use_stripe_sdk?: boolean | undefined;
  client?: ClientInfo | undefined;
}

const CONFIRMABLE = ['requires_payment_method', 'requires_confirmation', 'requires_action'];

function declineError(pi: Stripe.PaymentIntent, type: 'card_error' | 'invalid_request_error', failure: ChargeFailure, chargeId: string | null): StripeError {
  return new StripeError(402, {
    type,
    code: failure.code,
    ...(failure.decline_code ? { decline_code: failure.decline_code } : {}),
    message: failure.message,
    ...(chargeId ? { charge: chargeId } : {}),
    payment_intent: structuredClone(pi),
  });
}

/** Records a failed attempt: PI back to `requires_payment_method`, events `charge.failed` (if charged) and `payment_intent.payment_failed`. */
export function failPayment(em: Emulator, account: AccountState, rec: PaymentIntentRecord, pm: PaymentMethodRecord, type: 'card_error' | 'invalid_request_error', failure: ChargeFailure, charge: Stripe.Charge | null): void {
  const pi = rec.object;
  pi.status = 'requires_payment_method';
  pi.next_action = null;
  pi.last_payment_error = { type, code: failure.code, message: failure.message, payment_method: structuredClone(pm.object) };
  if (failure.decline_code) pi.last_payment_error.decline_code = failure.decline_code;
  if (charge) {
    pi.latest_charge = charge.id;
    pi.last_payment_error.charge = charge.id;
    emitEvent(em, account, 'charge.failed', charge);
  }
  emitEvent(em, account, 'payment_intent.payment_failed', pi);
}

export function succeedPayment(em: Emulator, account: AccountState, rec: PaymentIntentRecord, pm: PaymentMethodRecord, createdMs: number): void {
  const pi = rec.object;
  const charge = createCharge(em, account, pi, pm, 'succeeded', createdMs, null, null);
  pi.status = 'succeeded';
  pi.amount_received = pi.amount;
  pi.latest_charge = charge.id;
  pi.next_action = null;
  pi.last_payment_error = null;
  emitEvent(em, account, 'charge.succeeded', charge);
  emitEvent(em, account, 'payment_intent.succeeded', pi);
  if (pm.meta.behavior.kind === 'card' && pm.meta.behavior.outcome === 'dispute_fraudulent') openDispute(em, account, charge);
}

function resolvePm(em: Emulator, account: AccountState, pi: Stripe.PaymentIntent, input: PaymentConfirmInput): PaymentMethodRecord {
  let pm: PaymentMethodRecord | null = null;
  if (input.payment_method_data) pm = createPaymentMethod(em, account, input.payment_method_data);
  else if (input.payment_method !== undefined) pm = resolvePaymentMethod(em, account, input.payment_method);
  else if (pi.payment_method) pm = account.paymentMethods.get(idOf(pi.payment_method) ?? '') ?? null;
  if (!pm) {
    throw invalidRequest("You cannot confirm this PaymentIntent because it's missing a payment method.", {
      code: 'payment_intent_unexpected_state',
      param: 'payment_method',
    });
  }
  if (!pi.payment_method_types.includes(pm.object.type)) {
    throw invalidRequest(`The PaymentMethod provided (${pm.object.type}) is not allowed for this PaymentIntent.`, { param: 'payment_method', code: 'payment_intent_incompatible_payment_method' });
  }
  const customerId = idOf(pi.customer);
  const owner = idOf(pm.object.customer as string | null);
  if (owner && owner !== customerId) {
    throw invalidRequest(`The provided PaymentMethod belongs to a different Customer than the one on this PaymentIntent.`, { param: 'payment_method' });
  }
  return pm;
}

/**
 * Confirms a PaymentIntent. Cards settle synchronously (success, 402 decline, or 3DS); ACH goes
 * `processing` and settles later through the scheduler. Never charges twice: a confirmed intent
 * in a final or processing state is rejected.
 */
export function confirmPaymentIntent(em: Emulator, account: AccountState, rec: PaymentIntentRecord, input: PaymentConfirmInput): Stripe.PaymentIntent {
  const pi = rec.object;
  if (!CONFIRMABLE.includes(pi.status)) {
    throw invalidRequest(`You cannot confirm this PaymentIntent because it has a status of ${pi.status}.`, { code: 'payment_intent_unexpected_state' });
  }
  const pm = resolvePm(em, account, pi, input);
  pi.payment_method = pm.object.id;
  pi.last_payment_error = null;
  if (input.setup_future_usage !== undefined) pi.setup_future_usage = input.setup_future_usage || null;
  if (input.return_url !== undefined) rec.meta.returnUrl = input.return_url;
  const customerId = idOf(pi.customer);
  const { ms } = timeForCustomer(em, account, customerId);
  const behavior = pm.meta.behavior;
  if (behavior.kind === 'card') {
    const decline = CARD_DECLINES[behavior.outcome];
    if (decline) {
      const charge = createCharge(em, account, pi, pm, 'failed', ms, decline, null);
      failPayment(em, account, rec, pm, 'card_error', decline, charge);
      throw declineError(pi, 'card_error', decline, charge.id);
    }
    const needsAuth = behavior.outcome === 'auth_required_always' || (behavior.outcome === 'auth_required_unless_setup' && !(pm.meta.offSessionReady && input.off_session));
    if (needsAuth) {
      if (input.off_session || input.error_on_requires_action) {
        failPayment(em, account, rec, pm, 'card_error', AUTHENTICATION_REQUIRED, null);
        throw declineError(pi, 'card_error', AUTHENTICATION_REQUIRED, null);
      }
      pi.status = 'requires_action';
      pi.next_action = threeDSecureNextAction(em, pi, input.use_stripe_sdk ? null : (rec.meta.returnUrl ?? null));
      emitEvent(em, account, 'payment_intent.requires_action', pi);
      return pi;
    }
    if (pi.setup_future_usage && customerId && pm.object.customer === null) {
      attachPaymentMethod(em, account, pm, customerId);
      if (pi.setup_future_usage === 'off_session') pm.meta.offSessionReady = true;
    }
    succeedPayment(em, account, rec, pm, ms);
    return pi;
  }
  if (pi.currency !== 'usd') {
    throw invalidRequest('us_bank_account payments are only supported in usd.', { param: 'currency', code: 'payment_intent_invalid_currency' });
  }
  let mandate = input.mandate !== undefined ? (account.mandates.get(input.mandate)?.object ?? null) : activeMandateFor(account, pm.object.id);
  const acceptance = acceptanceFrom(em, input.mandate_data, input.client);
  if (acceptance) rec.meta.acceptance = acceptance;
  if (!mandate && !rec.meta.acceptance) {
    throw invalidRequest('A mandate is required to confirm a us_bank_account PaymentIntent: pass mandate_data or use a PaymentMethod with an active mandate.', {
      param: 'mandate_data',
      code: 'parameter_missing',
    });
  }
  if (pi.setup_future_usage && customerId && pm.object.customer === null) attachPaymentMethod(em, account, pm, customerId);
  if (!pm.meta.verified) {
    if (pi.payment_method_options?.us_bank_account?.verification_method === 'instant') {
      throw invalidRequest('This bank account cannot be verified instantly. Use verification_method automatic or microdeposits.', {
        param: 'payment_method_options[us_bank_account][verification_method]',
      });
    }
    startMicrodeposits(em, account, pi, rec.meta, customerId, behavior.outcome === 'microdeposits_fail');
    emitEvent(em, account, 'payment_intent.requires_action', pi);
    return pi;
  }
  if (!mandate && rec.meta.acceptance) mandate = createMandate(em, account, pm.object.id, rec.meta.acceptance);
  startBankDebit(em, account, rec, pm, mandate?.id ?? null);
  return pi;
}

/** Debits a verified bank account: charge `pending`, PI `processing`, settlement scheduled. */
export function startBankDebit(em: Emulator, account: AccountState, rec: PaymentIntentRecord, pm: PaymentMethodRecord, mandateId: string | null): void {
  const pi = rec.object;
  const { ms, clockId } = timeForCustomer(em, account, idOf(pi.customer));
  const charge = createCharge(em, account, pi, pm, 'pending', ms, null, mandateId);
  pi.status = 'processing';
  pi.processing = null;
  pi.latest_charge = charge.id;
  pi.next_action = null;
  emitEvent(em, account, 'charge.pending', charge);
  emitEvent(em, account, 'payment_intent.processing', pi);
  if (pm.meta.behavior.kind === 'us_bank_account' && pm.meta.behavior.outcome !== 'processing_forever') {
    const dueAtMs = clockId ? addBusinessDays(Math.floor(ms / 1000), 4) * 1000 : em.clock.nowMs() + em.options.bankSettlementDelayMs;
    em.scheduler.schedule({ accountId: account.id, clockId, dueAtMs, kind: 'settle_payment_intent', targetId: pi.id });
  }
}

/** Scheduled ACH outcome per the test account table: success, or a bank failure. Idempotent. */
export function settleBankPayment(em: Emulator, account: AccountState, rec: PaymentIntentRecord): void {
  const pi = rec.object;
  if (pi.status !== 'processing') return;
  const pm = account.paymentMethods.get(idOf(pi.payment_method) ?? '');
  const chargeRec = account.charges.get(idOf(pi.latest_charge) ?? '');
  if (!pm || !chargeRec || pm.meta.behavior.kind !== 'us_bank_account') return;
  const outcome = pm.meta.behavior.outcome;
  const charge = chargeRec.object;
  const message = BANK_FAILURE_MESSAGES[outcome];
  if (message) {
    charge.status = 'failed';
    charge.failure_code = outcome;
    charge.failure_message = message;
    charge.outcome = { ...(charge.outcome as Stripe.Charge.Outcome), network_status: 'declined_by_network', reason: outcome, type: 'issuer_declined', seller_message: message };
    failPayment(em, account, rec, pm, 'invalid_request_error', { code: outcome, message }, charge);
    return;
  }
  charge.status = 'succeeded';
  charge.paid = true;
  charge.captured = true;
  charge.amount_captured = charge.amount;
  charge.balance_transaction = `txn_${charge.id.slice(3)}`;
  pi.status = 'succeeded';
  pi.amount_received = pi.amount;
  emitEvent(em, account, 'charge.succeeded', charge);
  emitEvent(em, account, 'payment_intent.succeeded', pi);
  if (outcome === 'dispute') openDispute(em, account, charge);
}
