import type { AccountState, PaymentIntentRecord, SetupIntentRecord } from '../../core/account-state.js';
import { idOf, timeForCustomer, type Emulator } from '../../core/emulator.js';
import { invalidRequest } from '../../core/stripe-error.js';
import { emitEvent } from '../events/emit-event.js';
import { succeedPayment } from '../payment-intents/confirm-payment-intent.js';
import { attachPaymentMethod } from '../payment-methods/attach-payment-method.js';
import { failSetupIntent, succeedSetupIntent } from '../setup-intents/save-setup-intent.js';

export type AuthenticationOutcome = 'complete' | 'fail';

export type AuthenticatingIntent = { kind: 'payment_intent'; rec: PaymentIntentRecord } | { kind: 'setup_intent'; rec: SetupIntentRecord };

const FAILURE_MESSAGE = 'The latest attempt to set up the payment method has failed because authentication failed.';

/** Finds an intent awaiting 3-D Secure by id, in any account (the page URL carries only the id). */
export function findAuthenticatingIntent(em: Emulator, id: string): { account: AccountState; intent: AuthenticatingIntent } | null {
  for (const account of em.state.accounts.values()) {
    const pi = account.paymentIntents.get(id);
    if (pi) return { account, intent: { kind: 'payment_intent', rec: pi } };
    const si = account.setupIntents.get(id);
    if (si) return { account, intent: { kind: 'setup_intent', rec: si } };
  }
  return null;
}

/**
 * The customer's answer on the 3-D Secure page. `complete` finishes the intent (charge or
 * set-up, with the usual events); `fail` returns it to `requires_payment_method` with
 * `payment_intent_authentication_failure` / `setup_intent_authentication_failure`. Refuses an
 * intent that is not waiting for authentication, so a double submit changes nothing.
 */
export function completeAuthentication(em: Emulator, account: AccountState, intent: AuthenticatingIntent, outcome: AuthenticationOutcome): void {
  const obj = intent.rec.object;
  const waiting = obj.status === 'requires_action' && (obj.next_action?.type === 'use_stripe_sdk' || obj.next_action?.type === 'redirect_to_url');
  if (!waiting) throw invalidRequest(`This ${intent.kind === 'payment_intent' ? 'PaymentIntent' : 'SetupIntent'} is not awaiting authentication (status: ${obj.status}).`);
  const pm = account.paymentMethods.get(idOf(obj.payment_method) ?? '') ?? null;
  if (intent.kind === 'setup_intent') {
    if (outcome === 'complete' && pm) succeedSetupIntent(em, account, intent.rec, pm);
    else failSetupIntent(em, account, intent.rec, { type: 'invalid_request_error', code: 'setup_intent_authentication_failure', message: FAILURE_MESSAGE }, pm);
    return;
  }
  const rec = intent.rec;
  const pi = rec.object;
  const customerId = idOf(pi.customer);
  if (outcome === 'complete' && pm) {
    if (pi.setup_future_usage && customerId && pm.object.customer === null) {
      attachPaymentMethod(em, account, pm, customerId);
      if (pi.setup_future_usage === 'off_session') pm.meta.offSessionReady = true;
    }
    succeedPayment(em, account, rec, pm, timeForCustomer(em, account, customerId).ms);
    return;
  }
  pi.status = 'requires_payment_method';
  pi.next_action = null;
  pi.last_payment_error = {
    type: 'invalid_request_error',
    code: 'payment_intent_authentication_failure',
    message: 'The provided PaymentMethod has failed authentication. You can provide payment_method_data or a new PaymentMethod to attempt to fulfill this PaymentIntent again.',
    ...(pm ? { payment_method: structuredClone(pm.object) } : {}),
  };
  pi.payment_method = null;
  emitEvent(em, account, 'payment_intent.payment_failed', pi);
}
