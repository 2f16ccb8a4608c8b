import type Stripe from 'stripe';
import type { AccountState, IntentMeta, MicrodepositState } from '../../core/account-state.js';
import { addBusinessDays, SECONDS_PER_DAY } from '../../core/clock.js';
import { timeForCustomer, type Emulator } from '../../core/emulator.js';
import { StripeError, invalidRequest } from '../../core/stripe-error.js';

type Intent = Stripe.SetupIntent | Stripe.PaymentIntent;

export const MICRODEPOSIT_TIMEOUT_DAYS = 10;

/** Puts an intent into `requires_action` / `verify_with_microdeposits` and schedules the timeout. */
export function startMicrodeposits(em: Emulator, account: AccountState, intent: Intent, meta: IntentMeta, customerId: string | null, failToSend: boolean): void {
  const { ms, clockId } = timeForCustomer(em, account, customerId);
  const nowSec = Math.floor(ms / 1000);
  const type = em.options.microdepositType;
  const arrival = addBusinessDays(nowSec, new Date(ms).getUTCHours() < 16 ? 1 : 2);
  const state: MicrodepositState = {
    type,
    failedAttempts: 0,
    expiresAtMs: ms + MICRODEPOSIT_TIMEOUT_DAYS * SECONDS_PER_DAY * 1000,
    clockId,
    failed: false,
  };
  meta.microdeposits = state;
  intent.status = 'requires_action';
  intent.next_action = {
    type: 'verify_with_microdeposits',
    verify_with_microdeposits: {
      arrival_date: arrival,
      hosted_verification_url: `${em.baseUrl}/_emulator/microdeposits/${account.id}/${intent.id}`,
      microdeposit_type: type,
    },
  };
  em.scheduler.schedule({ accountId: account.id, clockId, dueAtMs: state.expiresAtMs, kind: 'microdeposit_timeout', targetId: intent.id });
  if (failToSend) {
    const dueAtMs = clockId ? arrival * 1000 : em.clock.nowMs() + em.options.bankSettlementDelayMs;
    em.scheduler.schedule({ accountId: account.id, clockId, dueAtMs, kind: 'microdeposit_failed', targetId: intent.id });
  }
}

export type VerifyOutcome =
  | { result: 'verified' }
  | { result: 'mismatch'; code: string; message: string }
  | { result: 'failed'; code: string; message: string };

export const MICRODEPOSIT_MESSAGES = {
  attempts_exceeded: 'You have exceeded the number of allowed verification attempts.',
  timeout: 'Microdeposits were not verified within the allotted time. The PaymentMethod can no longer be used.',
  failed: "Microdeposits failed to deposit into the customer's bank account.",
};

/**
 * Checks `amounts` / `descriptor_code` against the micro-deposit test values. Magic values:
 * 32+45 / SM11AA verify, 10+11 / SM33CC exceed attempts, 40+41 / SM44DD time out; anything else
 * is a failed attempt (3 allowed for amounts, 10 for descriptor codes).
 */
export function checkMicrodeposits(em: Emulator, account: AccountState, intent: Intent, meta: IntentMeta, customerId: string | null, input: { amounts?: number[] | undefined; descriptor_code?: string | undefined }): VerifyOutcome {
  const state = meta.microdeposits;
  if (intent.status !== 'requires_action' || intent.next_action?.type !== 'verify_with_microdeposits' || !state) {
    const kind = intent.object === 'setup_intent' ? 'SetupIntent' : 'PaymentIntent';
    throw invalidRequest(`This ${kind} is not awaiting micro-deposit verification (status: ${intent.status}).`, {
      code: intent.object === 'setup_intent' ? 'setup_intent_unexpected_state' : 'payment_intent_unexpected_state',
    });
  }
  const { ms } = timeForCustomer(em, account, customerId);
  if (ms >= state.expiresAtMs) return { result: 'failed', code: 'payment_method_microdeposit_verification_timeout', message: MICRODEPOSIT_MESSAGES.timeout };
  if (input.amounts !== undefined && input.descriptor_code !== undefined) {
    throw invalidRequest('You may only specify one of these parameters: amounts, descriptor_code.', { param: 'amounts' });
  }
  if (state.type === 'amounts') {
    if (input.amounts === undefined) throw invalidRequest('Missing required param: amounts.', { param: 'amounts', code: 'parameter_missing' });
    const [a, b] = input.amounts;
    if (input.amounts.length !== 2 || a === undefined || b === undefined || a <= 0 || b <= 0) {
      throw new StripeError(400, {
        type: 'invalid_request_error',
        code: 'payment_method_microdeposit_verification_amounts_invalid',
        message: 'Please provide exactly two positive amounts in cents.',
        param: 'amounts',
      });
    }
    const key = `${a},${b}`;
    if (key === '32,45') return { result: 'verified' };
    if (key === '10,11') return { result: 'failed', code: 'payment_method_microdeposit_verification_attempts_exceeded', message: MICRODEPOSIT_MESSAGES.attempts_exceeded };
    if (key === '40,41') return { result: 'failed', code: 'payment_method_microdeposit_verification_timeout', message: MICRODEPOSIT_MESSAGES.timeout };
    return failedAttempt(state, 3, 'payment_method_microdeposit_verification_amounts_mismatch', 'The amounts provided do not match the amounts that were sent to the bank account.');
  }
  if (input.descriptor_code === undefined) {
    throw invalidRequest('Missing required param: descriptor_code.', { param: 'descriptor_code', code: 'parameter_missing' });
  }
  const code = input.descriptor_code.toUpperCase();
  if (code === 'SM11AA') return { result: 'verified' };
  if (code === 'SM33CC') return { result: 'failed', code: 'payment_method_microdeposit_verification_attempts_exceeded', message: MICRODEPOSIT_MESSAGES.attempts_exceeded };
  if (code === 'SM44DD') return { result: 'failed', code: 'payment_method_microdeposit_verification_timeout', message: MICRODEPOSIT_MESSAGES.timeout };
  return failedAttempt(state, 10, 'payment_method_microdeposit_verification_descriptor_code_mismatch', 'The descriptor code provided does not match the code that was sent to the bank account.');
}

function failedAttempt(state: MicrodepositState, limit: number, code: string, message: string): VerifyOutcome {
  state.failedAttempts++;
  const remaining = limit - state.failedAttempts;
  if (remaining <= 0) return { result: 'failed', code: 'payment_method_microdeposit_verification_attempts_exceeded', message: MICRODEPOSIT_MESSAGES.attempts_exceeded };
  return { result: 'mismatch', code, message: `${message} You have ${remaining} verification attempt${remaining === 1 ? '' : 's'} remaining.` };
}
