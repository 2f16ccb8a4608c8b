import type Stripe from 'stripe';
import type { AccountState, PaymentMethodRecord, SetupIntentRecord } from '../../core/account-state.js';
import { idOf, timeForCustomer, type Emulator } from '../../core/emulator.js';
import { clientSecretFor, newId } from '../../core/ids.js';
import { StripeError, invalidRequest, resourceMissing } from '../../core/stripe-error.js';
import { emitEvent } from '../events/emit-event.js';
import { PAYMENT_METHOD_TYPES } from '../intents/intent-params.js';
import { MICRODEPOSIT_MESSAGES, checkMicrodeposits, startMicrodeposits } from '../intents/microdeposits.js';
import { acceptanceFrom, createMandate, type ClientInfo, type MandateDataInput } from '../mandates/create-mandate.js';
import { threeDSecureNextAction } from '../three-d-secure/three-d-secure-next-action.js';
import { attachPaymentMethod, liveCustomer } from '../payment-methods/attach-payment-method.js';
import { createPaymentMethod, resolvePaymentMethod, type PaymentMethodInput } from '../payment-methods/create-payment-method.js';
import { CARD_DECLINES, declinesOnAttach } from '../payment-methods/test-behaviors.js';

export type VerificationMethod = 'automatic' | 'instant' | 'microdeposits';

export interface ConfirmInput {
  payment_method?: string | undefined;
  payment_method_data?: PaymentMethodInput | undefined;
  mandate_data?: MandateDataInput | '' | undefined;
  verification_method?: VerificationMethod | undefined;
  return_url?: string | undefined;
  use_stripe_sdk?: boolean | undefined;
  client?: ClientInfo | undefined;
}

export function getSetupIntent(account: AccountState, id: string): SetupIntentRecord {
  const rec = account.setupIntents.get(id);
  if (!rec) throw resourceMissing('setupintent', id, 'intent');
  return rec;
}

/** Effective payment method types: `allowed_payment_method_types` minus what the emulator cannot do. */
export function effectiveTypes(allowed: string[] | undefined): string[] {
  if (allowed === undefined) return [...PAYMENT_METHOD_TYPES];
  const types = allowed.filter((t) => (PAYMENT_METHOD_TYPES as readonly string[]).includes(t));
  if (types.length === 0) throw invalidRequest('None of the allowed_payment_method_types are available.', { param: 'allowed_payment_method_types' });
  return types;
}

export function paymentMethodOptions(types: string[], verification: VerificationMethod | undefined): Stripe.SetupIntent.PaymentMethodOptions {
  const out: Stripe.SetupIntent.PaymentMethodOptions = {};
  if (types.includes('card')) out.card = { mandate_options: null, network: null, request_three_d_secure: 'automatic' };
  if (types.includes('us_bank_account')) {
    out.us_bank_account = {
      financial_connections: { permissions: ['payment_method'], prefetch: [] } as unknown as Stripe.SetupIntent.PaymentMethodOptions.UsBankAccount.FinancialConnections,
      verification_method: verification ?? 'automatic',
    };
  }
  return out;
}

export interface CreateSetupIntentInput {
  customer?: string | undefined;
  description?: string | undefined;
  metadata?: Record<string, string> | undefined;
  usage?: 'on_session' | 'off_session' | undefined;
  allowed_payment_method_types?: string[] | undefined;
  verification_method?: VerificationMethod | undefined;
  payment_method?: string | undefined;
}

/** Creates a SetupIntent (emits `setup_intent.created`). */
export function createSetupIntent(em: Emulator, account: AccountState, input: CreateSetupIntentInput): SetupIntentRecord {
  if (input.customer !== undefined) liveCustomer(account, input.customer);
  const types = effectiveTypes(input.allowed_payment_method_types);
  const pm = input.payment_method !== undefined ? resolvePaymentMethod(em, account, input.payment_method) : null;
  const { ms } = timeForCustomer(em, account, input.customer ?? null);
  const id = newId('seti');
  const si: Stripe.SetupIntent = {
    id,
    object: 'setup_intent',
    allowed_payment_method_types: (input.allowed_payment_method_types as Stripe.SetupIntent.AllowedPaymentMethodType[] | undefined) ?? null,
    application: null,
    automatic_payment_methods: input.allowed_payment_method_types ? null : { allow_redirects: 'always', enabled: true },
    cancellation_reason: null,
    client_secret: clientSecretFor(id),
    created: Math.floor(ms / 1000),
    customer: input.customer ?? null,
    description: input.description ?? null,
    excluded_payment_method_types: null,
    flow_directions: null,
    last_setup_error: null,
    latest_attempt: null,
    livemode: false,
    mandate: null,
    metadata: input.metadata ?? {},
    next_action: null,
    on_behalf_of: null,
    payment_method: pm?.object.id ?? null,
    payment_method_configuration_details: null,
    payment_method_options: paymentMethodOptions(types, input.verification_method),
    payment_method_types: types,
    single_use_mandate: null,
    status: pm ? 'requires_confirmation' : 'requires_payment_method',
    usage: input.usage ?? 'off_session',
  };
  const rec: SetupIntentRecord = { object: si, meta: { microdeposits: null, acceptance: null } };
  account.setupIntents.set(id, rec);
  emitEvent(em, account, 'setup_intent.created', si);
  return rec;
}

export function failSetupIntent(em: Emulator, account: AccountState, rec: SetupIntentRecord, error: Stripe.SetupIntent.LastSetupError, pm: PaymentMethodRecord | null): void {
  const si = rec.object;
  si.status = 'requires_payment_method';
  si.next_action = null;
  si.last_setup_error = error;
  if (pm) si.last_setup_error.payment_method = pm.object;
  si.payment_method = null;
  rec.meta.microdeposits = null;
  em.scheduler.cancel(si.id);
  emitEvent(em, account, 'setup_intent.setup_failed', si);
}

export function succeedSetupIntent(em: Emulator, account: AccountState, rec: SetupIntentRecord, pm: PaymentMethodRecord): void {
  const si = rec.object;
  const customerId = idOf(si.customer);
  if (customerId && pm.object.customer === null) attachPaymentMethod(em, account, pm, customerId);
  if (pm.object.type === 'us_bank_account' && rec.meta.acceptance) si.mandate = createMandate(em, account, pm.object.id, rec.meta.acceptance).id;
  pm.meta.verified = true;
  if (si.usage === 'off_session') pm.meta.offSessionReady = true;
  si.status = 'succeeded';
  si.next_action = null;
  si.last_setup_error = null;
  rec.meta.microdeposits = null;
  em.scheduler.cancel(si.id);
  emitEvent(em, account, 'setup_intent.succeeded', si);
}

function errorWithIntent(status: number, error: Stripe.SetupIntent.LastSetupError, si: Stripe.SetupIntent): StripeError {
  return new StripeError(status, {
    type: error.type as 'card_error' | 'invalid_request_error',
    message: error.message ?? '',
    ...(error.code ? { code: error.code } : {}),
    ...(error.decline_code ? { decline_code: error.decline_code } : {}),
    setup_intent: structuredClone(si),
  });
}

/**
 * Confirms a SetupIntent: cards succeed, decline (402) or need authentication; bank accounts
 * succeed (instantly verified) or enter the micro-deposit flow. Emits one event per transition.
 */
export function confirmSetupIntent(em: Emulator, account: AccountState, rec: SetupIntentRecord, input: ConfirmInput): Stripe.SetupIntent {
  const si = rec.object;
  if (!['requires_payment_method', 'requires_confirmation', 'requires_action'].includes(si.status)) {
    throw invalidRequest(`You cannot confirm this SetupIntent because it has a status of ${si.status}.`, { code: 'setup_intent_unexpected_state' });
  }
  let pm: PaymentMethodRecord | null = null;
  if (input.payment_method_data) pm = createPaymentMethod(em, account, input.payment_method_data);
  else if (input.payment_method !== undefined) pm = resolvePaymentMethod(em, account, input.payment_method);
  else if (si.payment_method) pm = account.paymentMethods.get(idOf(si.payment_method) ?? '') ?? null;
  if (!pm) {
    throw invalidRequest('You cannot confirm this SetupIntent because it is missing a payment method. Update the SetupIntent with a payment method and then confirm it again.', {
      code: 'setup_intent_unexpected_state',
      param: 'payment_method',
    });
  }
  if (!si.payment_method_types.includes(pm.object.type)) {
    throw invalidRequest(`The PaymentMethod provided (${pm.object.type}) is not allowed for this SetupIntent.`, { param: 'payment_method', code: 'payment_intent_incompatible_payment_method' });
  }
  const customerId = idOf(si.customer);
  if (pm.object.customer && customerId && pm.object.customer !== customerId) {
    throw invalidRequest('The provided PaymentMethod is attached to another customer.', { param: 'payment_method' });
  }
  if (input.verification_method && si.payment_method_options?.us_bank_account) si.payment_method_options.us_bank_account.verification_method = input.verification_method;
  si.payment_method = pm.object.id;
  si.last_setup_error = null;
  if (input.return_url !== undefined) rec.meta.returnUrl = input.return_url;
  const behavior = pm.meta.behavior;
  if (behavior.kind === 'card') {
    const decline = declinesOnAttach(behavior.outcome) ? CARD_DECLINES[behavior.outcome] : undefined;
    if (decline) {
      failSetupIntent(em, account, rec, { type: 'card_error', ...decline }, pm);
      throw errorWithIntent(402, { type: 'card_error', ...decline }, si);
    }
    if (behavior.outcome === 'auth_required_always' || behavior.outcome === 'auth_required_unless_setup') {
      si.status = 'requires_action';
      si.next_action = threeDSecureNextAction(em, si, input.use_stripe_sdk ? null : (rec.meta.returnUrl ?? null));
      emitEvent(em, account, 'setup_intent.requires_action', si);
      return si;
    }
    succeedSetupIntent(em, account, rec, pm);
    return si;
  }
  const acceptance = acceptanceFrom(em, input.mandate_data, input.client);
  if (!acceptance && !rec.meta.acceptance) {
    throw invalidRequest('Missing required param: mandate_data. A mandate is required to set up a us_bank_account PaymentMethod.', { param: 'mandate_data', code: 'parameter_missing' });
  }
  if (acceptance) rec.meta.acceptance = acceptance;
  const method = si.payment_method_options?.us_bank_account?.verification_method ?? 'automatic';
  if (pm.meta.verified && method !== 'microdeposits') {
    succeedSetupIntent(em, account, rec, pm);
    return si;
  }
  if (method === 'instant') {
    throw invalidRequest('This bank account cannot be verified instantly. Use verification_method automatic or microdeposits.', {
      param: 'payment_method_options[us_bank_account][verification_method]',
    });
  }
  startMicrodeposits(em, account, si, rec.meta, customerId, behavior.outcome === 'microdeposits_fail');
  emitEvent(em, account, 'setup_intent.requires_action', si);
  return si;
}

/** `verify_microdeposits` for a SetupIntent; failures are 400s that carry the SetupIntent. */
export function verifySetupIntentMicrodeposits(em: Emulator, account: AccountState, rec: SetupIntentRecord, input: { amounts?: number[] | undefined; descriptor_code?: string | undefined }): Stripe.SetupIntent {
  const si = rec.object;
  const outcome = checkMicrodeposits(em, account, si, rec.meta, idOf(si.customer), input);
  const pm = account.paymentMethods.get(idOf(si.payment_method) ?? '') ?? null;
  if (outcome.result === 'verified' && pm) {
    succeedSetupIntent(em, account, rec, pm);
    return si;
  }
  if (outcome.result === 'verified') throw invalidRequest('The SetupIntent has no payment method.');
  const error: Stripe.SetupIntent.LastSetupError = { type: 'invalid_request_error', code: outcome.code, message: outcome.message };
  if (outcome.result === 'failed') failSetupIntent(em, account, rec, error, pm);
  else em.changed();
  throw errorWithIntent(400, error, si);
}

/** Scheduled transitions: the 10-day verification timeout and micro-deposits that fail to send. */
export function failSetupIntentMicrodeposits(em: Emulator, account: AccountState, rec: SetupIntentRecord, reason: 'timeout' | 'failed'): void {
  const si = rec.object;
  if (si.status !== 'requires_action' || !rec.meta.microdeposits) return;
  const pm = account.paymentMethods.get(idOf(si.payment_method) ?? '') ?? null;
  const code = reason === 'timeout' ? 'payment_method_microdeposit_verification_timeout' : 'payment_method_microdeposit_failed';
  failSetupIntent(em, account, rec, { type: 'invalid_request_error', code, message: MICRODEPOSIT_MESSAGES[reason] }, pm);
}
