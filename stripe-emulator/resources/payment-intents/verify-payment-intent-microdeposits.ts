import type Stripe from 'stripe';
import type { AccountState, PaymentIntentRecord, PaymentMethodRecord } from '../../core/account-state.js';
import { idOf, type Emulator } from '../../core/emulator.js';
import { StripeError, invalidRequest } from '../../core/stripe-error.js';
import { emitEvent } from '../events/emit-event.js';
import { MICRODEPOSIT_MESSAGES, checkMicrodeposits } from '../intents/microdeposits.js';
import { activeMandateFor, createMandate } from '../mandates/create-mandate.js';
import { startBankDebit } from './confirm-payment-intent.js';

function failVerification(em: Emulator, account: AccountState, rec: PaymentIntentRecord, pm: PaymentMethodRecord | null, code: string, message: string): Stripe.PaymentIntent.LastPaymentError {
  const pi = rec.object;
  const error: Stripe.PaymentIntent.LastPaymentError = { type: 'invalid_request_error', code, message, ...(pm ? { payment_method: structuredClone(pm.object) } : {}) };
  pi.status = 'requires_payment_method';
  pi.next_action = null;
  pi.last_payment_error = error;
  pi.payment_method = null;
  rec.meta.microdeposits = null;
  em.scheduler.cancel(pi.id);
  emitEvent(em, account, 'payment_intent.payment_failed', pi);
  return error;
}

/**
 * `verify_microdeposits` for a PaymentIntent (same test values and limits as SetupIntents). On
 * success the bank account is verified, the mandate created and the debit starts (`processing`);
 * failures are 400s carrying the PaymentIntent. Not idempotent: each wrong attempt counts.
 */
export function verifyPaymentIntentMicrodeposits(em: Emulator, account: AccountState, rec: PaymentIntentRecord, input: { amounts?: number[] | undefined; descriptor_code?: string | undefined }): Stripe.PaymentIntent {
  const pi = rec.object;
  const outcome = checkMicrodeposits(em, account, pi, rec.meta, idOf(pi.customer), input);
  const pm = account.paymentMethods.get(idOf(pi.payment_method) ?? '') ?? null;
  if (outcome.result === 'verified') {
    if (!pm) throw invalidRequest('The PaymentIntent has no payment method.');
    pm.meta.verified = true;
    rec.meta.microdeposits = null;
    em.scheduler.cancel(pi.id);
    let mandate = activeMandateFor(account, pm.object.id);
    if (!mandate && rec.meta.acceptance) mandate = createMandate(em, account, pm.object.id, rec.meta.acceptance);
    startBankDebit(em, account, rec, pm, mandate?.id ?? null);
    return pi;
  }
  const error = outcome.result === 'failed' ? failVerification(em, account, rec, pm, outcome.code, outcome.message) : { type: 'invalid_request_error' as const, code: outcome.code, message: outcome.message };
  if (outcome.result === 'mismatch') em.changed();
  throw new StripeError(400, { type: 'invalid_request_error', code: error.code ?? outcome.code, message: error.message ?? outcome.message, payment_intent: structuredClone(pi) });
}

/** Scheduled: the 10-day verification timeout, or micro-deposits that could not be sent. Idempotent. */
export function failPaymentIntentMicrodeposits(em: Emulator, account: AccountState, rec: PaymentIntentRecord, reason: 'timeout' | 'failed'): void {
  const pi = rec.object;
  if (pi.status !== 'requires_action' || !rec.meta.microdeposits) return;
  const pm = account.paymentMethods.get(idOf(pi.payment_method) ?? '') ?? null;
  const code = reason === 'timeout' ? 'payment_method_microdeposit_verification_timeout' : 'payment_method_microdeposit_failed';
  failVerification(em, account, rec, pm, code, MICRODEPOSIT_MESSAGES[reason]);
}
