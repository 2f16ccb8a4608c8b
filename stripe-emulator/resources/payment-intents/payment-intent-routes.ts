import type Stripe from 'stripe';
import type { z } from 'zod';
import type { AccountState, PaymentIntentRecord } from '../../core/account-state.js';
import { idOf, timeForCustomer } from '../../core/emulator.js';
import { clientSecretFor, newId } from '../../core/ids.js';
import { invalidRequest, resourceMissing } from '../../core/stripe-error.js';
import { limitParam, listParamShape, newestFirst, paginate } from '../../http/list.js';
import { searchPage } from '../../http/search.js';
import { filterPaymentIntents } from './search-payment-intents.js';
import { anyParam, applyMetadata, bool, emptyable, int, metadata, obj, oneOf, parseParams, str } from '../../http/params.js';
import type { Route } from '../../http/router.js';
import { emitEvent } from '../events/emit-event.js';
import { confirmShape, verifyMicrodepositsSchema } from '../intents/intent-params.js';
import type { ClientInfo } from '../mandates/create-mandate.js';
import { checkClientSecret } from '../../http/client-secret.js';
import { verifyPaymentIntentMicrodeposits } from './verify-payment-intent-microdeposits.js';
import { liveCustomer } from '../payment-methods/attach-payment-method.js';
import { resolvePaymentMethod } from '../payment-methods/create-payment-method.js';
import { toPaymentMethodInput } from '../payment-methods/payment-method-routes.js';
import { effectiveTypes } from '../setup-intents/save-setup-intent.js';
import { rejectPaymentMethodTypes } from '../setup-intents/setup-intent-routes.js';
import { confirmPaymentIntent } from './confirm-payment-intent.js';
import { refuseOfflineWithPublishableKey } from '../mandates/create-mandate.js';

const sfu = emptyable(oneOf(['off_session', 'on_session']));
const paymentConfirmShape = {
  ...confirmShape,
  mandate: str.optional(),
  off_session: oneOf(['true', 'false', 'one_off', 'recurring']).optional(),
  error_on_requires_action: bool.optional(),
  setup_future_usage: sfu.optional(),
  receipt_email: emptyable(str).optional(),
  shipping: anyParam.optional(),
  capture_method: oneOf(['automatic', 'automatic_async', 'manual']).optional(),
  radar_options: anyParam.optional(),
  payment_details: anyParam.optional(),
  amount_details: anyParam.optional(),
  hooks: anyParam.optional(),
  excluded_payment_method_types: anyParam.optional(),
};
const createSchema = obj({
  ...paymentConfirmShape,
  amount: int,
  currency: str,
  confirm: bool.optional(),
  customer: str.optional(),
  customer_account: str.optional(),
  description: str.optional(),
  metadata: metadata.optional(),
  confirmation_method: oneOf(['automatic', 'manual']).optional(),
  statement_descriptor: str.optional(),
  statement_descriptor_suffix: str.optional(),
  application_fee_amount: int.optional(),
  automatic_payment_methods: anyParam.optional(),
  on_behalf_of: str.optional(),
  payment_method_configuration: str.optional(),
  transfer_data: anyParam.optional(),
  transfer_group: str.optional(),
});
const confirmSchema = obj(paymentConfirmShape);
const clientUpdateSchema = obj({ client_secret: str, payment_method: str });
const updateSchema = obj({
  client_secret: str.optional(),
  amount: int.optional(),
  currency: str.optional(),
  customer: str.optional(),
  description: str.optional(),
  metadata: metadata.optional(),
  payment_method: str.optional(),
  receipt_email: emptyable(str).optional(),
  setup_future_usage: sfu.optional(),
  statement_descriptor: str.optional(),
  payment_method_options: confirmShape.payment_method_options,
  allowed_payment_method_types: confirmShape.allowed_payment_method_types,
});
const cancelSchema = obj({ cancellation_reason: oneOf(['duplicate', 'fraudulent', 'requested_by_customer', 'abandoned']).optional() });
const listSchema = obj({ ...listParamShape, customer: str.optional() });
const searchSchema = obj({ query: str, limit: limitParam.optional(), page: str.optional() });

function getPi(account: AccountState, id: string): PaymentIntentRecord {
  const rec = account.paymentIntents.get(id);
  if (!rec) throw resourceMissing('payment_intent', id, 'intent');
  return rec;
}

type ConfirmParams = ReturnType<typeof confirmSchema.parse>;
function confirmInput(p: ConfirmParams, client?: ClientInfo) {
  return {
    return_url: p.return_url,
    use_stripe_sdk: p.use_stripe_sdk,
    client,
    payment_method: p.payment_method,
    payment_method_data: toPaymentMethodInput(p.payment_method_data),
    mandate_data: p.mandate_data,
    mandate: p.mandate,
    off_session: p.off_session === undefined ? undefined : p.off_session !== 'false',
    error_on_requires_action: p.error_on_requires_action,
    setup_future_usage: p.setup_future_usage,
  };
}

export const paymentIntentRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/v1/payment_intents',
    handler: ({ em, account, params, client }) => {
      rejectPaymentMethodTypes(params);
      const p = parseParams(createSchema, params);
      if (p.amount < 1) throw invalidRequest('This value must be greater than or equal to 1.', { param: 'amount', code: 'parameter_invalid_integer' });
      if (p.customer !== undefined) liveCustomer(account, p.customer);
      if (p.off_session !== undefined && !p.confirm) throw invalidRequest('off_session can only be used with confirm=true.', { param: 'off_session' });
      const types = effectiveTypes(p.allowed_payment_method_types);
      const pm = !p.confirm && p.payment_method !== undefined ? resolvePaymentMethod(em, account, p.payment_method) : null;
      const { ms } = timeForCustomer(em, account, p.customer ?? null);
      const id = newId('pi');
      const verification = p.payment_method_options?.us_bank_account?.verification_method;
      const pmo: Stripe.PaymentIntent.PaymentMethodOptions = {};
      if (types.includes('card')) pmo.card = { installments: null, mandate_options: null, network: null, request_three_d_secure: 'automatic' };
      if (types.includes('us_bank_account')) pmo.us_bank_account = { verification_method: verification ?? 'automatic' } as Stripe.PaymentIntent.PaymentMethodOptions.UsBankAccount;
      const pi: Stripe.PaymentIntent = {
        id,
        object: 'payment_intent',
        allowed_payment_method_types: (p.allowed_payment_method_types as Stripe.PaymentIntent.AllowedPaymentMethodType[] | undefined) ?? null,
        amount: p.amount,
        amount_capturable: 0,
        amount_details: { tip: {} },
        amount_received: 0,
        application: null,
        application_fee_amount: p.application_fee_amount ?? null,
        automatic_payment_methods: p.allowed_payment_method_types ? null : { allow_redirects: 'always', enabled: true },
        canceled_at: null,
        cancellation_reason: null,
        capture_method: p.capture_method ?? 'automatic_async',
        client_secret: clientSecretFor(id),
        confirmation_method: p.confirmation_method ?? 'automatic',
        created: Math.floor(ms / 1000),
        currency: p.currency.toLowerCase(),
        customer: p.customer ?? null,
        customer_account: null,
        description: p.description ?? null,
        excluded_payment_method_types: null,
        last_payment_error: null,
        latest_charge: null,
        livemode: false,
        managed_payments: null,
        metadata: applyMetadata(null, p.metadata),
        next_action: null,
        on_behalf_of: null,
        payment_method: pm?.object.id ?? null,
        payment_method_configuration_details: null,
        payment_method_options: pmo,
        payment_method_types: types,
        payment_record: null,
        processing: null,
        receipt_email: p.receipt_email || null,
        review: null,
        setup_future_usage: p.setup_future_usage || null,
        shipping: null,
        source: null,
        statement_descriptor: p.statement_descriptor ?? null,
        statement_descriptor_suffix: p.statement_descriptor_suffix ?? null,
        status: pm ? 'requires_confirmation' : 'requires_payment_method',
        transfer_data: null,
        transfer_group: p.transfer_group ?? null,
      };
      const rec: PaymentIntentRecord = { object: pi, meta: { microdeposits: null, acceptance: null } };
      account.paymentIntents.set(id, rec);
      emitEvent(em, account, 'payment_intent.created', pi);
      if (!p.confirm) return pi;
      return confirmPaymentIntent(em, account, rec, confirmInput(p, client));
    },
  },
  {
    method: 'GET',
    pattern: '/v1/payment_intents/:id',
    publishable: true,
    handler: (ctx) => {
      const p = parseParams(obj({ client_secret: str.optional() }), ctx.params);
      const pi = getPi(ctx.account, ctx.path[0] ?? '').object;
      checkClientSecret(ctx, pi, p.client_secret);
      return pi;
    },
  },
  {
    method: 'POST',
    pattern: '/v1/payment_intents/:id',
    publishable: true,
    handler: (ctx) => {
      const { em, account, params, path: [id = ''] } = ctx;
      rejectPaymentMethodTypes(params);
      const rec = getPi(account, id);
      // Stripe.js attaches the bank account collected by collectBankAccountForPayment to the intent.
      const p: z.output<typeof updateSchema> = ctx.publishable ? parseParams(clientUpdateSchema, params) : parseParams(updateSchema, params);
      checkClientSecret(ctx, rec.object, p.client_secret);
      const pi = rec.object;
      if (!['requires_payment_method', 'requires_confirmation', 'requires_action'].includes(pi.status) && (p.amount !== undefined || p.payment_method !== undefined)) {
        throw invalidRequest(`You cannot update this PaymentIntent because it has a status of ${pi.status}.`, { code: 'payment_intent_unexpected_state' });
      }
      if (p.amount !== undefined) pi.amount = p.amount;
      if (p.currency !== undefined) pi.currency = p.currency.toLowerCase();
      if (p.customer !== undefined) pi.customer = liveCustomer(account, p.customer).object.id;
      if (p.description !== undefined) pi.description = p.description || null;
      if (p.receipt_email !== undefined) pi.receipt_email = p.receipt_email || null;
      if (p.setup_future_usage !== undefined) pi.setup_future_usage = p.setup_future_usage || null;
      if (p.payment_method !== undefined) {
        pi.payment_method = resolvePaymentMethod(em, account, p.payment_method).object.id;
        if (pi.status === 'requires_payment_method') pi.status = 'requires_confirmation';
      }
      pi.metadata = applyMetadata(pi.metadata, p.metadata);
      em.changed();
      return pi;
    },
  },
  {
    method: 'POST',
    pattern: '/v1/payment_intents/:id/confirm',
    publishable: true,
    handler: (ctx) => {
      const { em, account, params, path: [id = ''] } = ctx;
      rejectPaymentMethodTypes(params);
      const p = parseParams(confirmSchema, params);
      const rec = getPi(account, id);
      checkClientSecret(ctx, rec.object, p.client_secret);
      if (ctx.publishable && (p.off_session !== undefined || p.mandate !== undefined)) throw invalidRequest('off_session and mandate cannot be used with a publishable key.', { param: p.off_session !== undefined ? 'off_session' : 'mandate' });
      refuseOfflineWithPublishableKey(ctx.publishable, p.mandate_data);
      return confirmPaymentIntent(em, account, rec, confirmInput(p, ctx.client));
    },
  },
  {
    method: 'POST',
    pattern: '/v1/payment_intents/:id/verify_microdeposits',
    publishable: true,
    handler: (ctx) => {
      const p = parseParams(verifyMicrodepositsSchema, ctx.params);
      const rec = getPi(ctx.account, ctx.path[0] ?? '');
      checkClientSecret(ctx, rec.object, p.client_secret);
      return verifyPaymentIntentMicrodeposits(ctx.em, ctx.account, rec, p);
    },
  },
  {
    method: 'POST',
    pattern: '/v1/payment_intents/:id/cancel',
    handler: ({ em, account, params, path: [id = ''] }) => {
      const p = parseParams(cancelSchema, params);
      const rec = getPi(account, id);
      const pi = rec.object;
      if (!['requires_payment_method', 'requires_confirmation', 'requires_action', 'requires_capture'].includes(pi.status)) {
        throw invalidRequest(`You cannot cancel this PaymentIntent because it has a status of ${pi.status}. Only a PaymentIntent with one of the following statuses may be canceled: requires_payment_method, requires_capture, requires_confirmation, requires_action, processing.`, {
          code: 'payment_intent_unexpected_state',
        });
      }
      pi.status = 'canceled';
      pi.canceled_at = em.clock.nowSeconds();
      pi.cancellation_reason = p.cancellation_reason ?? null;
      pi.next_action = null;
      em.scheduler.cancel(pi.id);
      emitEvent(em, account, 'payment_intent.canceled', pi);
      return pi;
    },
  },
  {
    method: 'GET',
    pattern: '/v1/payment_intents/search',
    handler: ({ account, params }) => {
      const p = parseParams(searchSchema, params);
      const items = newestFirst(account.paymentIntents.values()).map((r) => r.object);
      return searchPage(filterPaymentIntents(items, p.query), p.limit, p.page, '/v1/payment_intents/search');
    },
  },
  {
    method: 'GET',
    pattern: '/v1/payment_intents',
    handler: ({ account, params, url }) => {
      const p = parseParams(listSchema, params);
      const items = newestFirst(account.paymentIntents.values())
        .map((r) => r.object)
        .filter((pi) => p.customer === undefined || idOf(pi.customer as string | null) === p.customer);
      return paginate(items, p, url, 'payment_intent');
    },
  },
];
