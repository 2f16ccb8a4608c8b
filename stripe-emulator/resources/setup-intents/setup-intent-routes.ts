import type { z } from 'zod';
import { invalidRequest } from '../../core/stripe-error.js';
import { resolvePaymentMethod } from '../payment-methods/create-payment-method.js';
import { listParamShape, newestFirst, paginate } from '../../http/list.js';
import { anyParam, applyMetadata, arrayOf, bool, metadata, obj, oneOf, parseParams, str } from '../../http/params.js';
import type { FormObject } from '../../http/parse-form.js';
import type { Route } from '../../http/router.js';
import { checkClientSecret } from '../../http/client-secret.js';
import { emitEvent } from '../events/emit-event.js';
import { confirmShape, verifyMicrodepositsSchema } from '../intents/intent-params.js';
import { refuseOfflineWithPublishableKey } from '../mandates/create-mandate.js';
import { toPaymentMethodInput } from '../payment-methods/payment-method-routes.js';
import { confirmSetupIntent, createSetupIntent, getSetupIntent, verifySetupIntentMicrodeposits } from './save-setup-intent.js';

export function rejectPaymentMethodTypes(params: FormObject): void {
  if ('payment_method_types' in params) {
    throw invalidRequest('The parameter payment_method_types is no longer supported. Use allowed_payment_method_types instead.', {
      param: 'payment_method_types',
      code: 'payment_method_types_no_longer_supported',
    });
  }
}

const createSchema = obj({
  ...confirmShape,
  confirm: bool.optional(),
  customer: str.optional(),
  customer_account: str.optional(),
  description: str.optional(),
  metadata: metadata.optional(),
  usage: oneOf(['on_session', 'off_session']).optional(),
  attach_to_self: bool.optional(),
  automatic_payment_methods: anyParam.optional(),
  excluded_payment_method_types: anyParam.optional(),
  flow_directions: arrayOf(str).optional(),
  on_behalf_of: str.optional(),
  payment_method_configuration: str.optional(),
  single_use: anyParam.optional(),
});
const confirmSchema = obj(confirmShape);
const clientUpdateSchema = obj({ client_secret: str, payment_method: str });
const updateSchema = obj({
  client_secret: str.optional(),
  customer: str.optional(),
  description: str.optional(),
  metadata: metadata.optional(),
  payment_method: str.optional(),
  payment_method_options: confirmShape.payment_method_options,
  allowed_payment_method_types: confirmShape.allowed_payment_method_types,
});
const cancelSchema = obj({ cancellation_reason: oneOf(['abandoned', 'duplicate', 'requested_by_customer']).optional() });
const listSchema = obj({ ...listParamShape, customer: str.optional(), payment_method: str.optional(), attach_to_self: bool.optional() });

export const setupIntentRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/v1/setup_intents',
    handler: ({ em, account, params, client }) => {
      rejectPaymentMethodTypes(params);
      const p = parseParams(createSchema, params);
      if (p.mandate_data && !p.confirm) throw invalidRequest('mandate_data can only be provided when confirm=true.', { param: 'mandate_data' });
      const verification = p.payment_method_options?.us_bank_account?.verification_method;
      const rec = createSetupIntent(em, account, {
        customer: p.customer,
        description: p.description,
        metadata: applyMetadata(null, p.metadata),
        usage: p.usage,
        allowed_payment_method_types: p.allowed_payment_method_types,
        verification_method: verification,
        payment_method: p.confirm ? undefined : p.payment_method,
      });
      if (!p.confirm) return rec.object;
      return confirmSetupIntent(em, account, rec, {
        payment_method: p.payment_method,
        payment_method_data: toPaymentMethodInput(p.payment_method_data),
        mandate_data: p.mandate_data,
        verification_method: verification,
        return_url: p.return_url,
        use_stripe_sdk: p.use_stripe_sdk,
        client,
      });
    },
  },
  {
    method: 'GET',
    pattern: '/v1/setup_intents/:id',
    publishable: true,
    handler: (ctx) => {
      const p = parseParams(obj({ client_secret: str.optional() }), ctx.params);
      const si = getSetupIntent(ctx.account, ctx.path[0] ?? '').object;
      checkClientSecret(ctx, si, p.client_secret);
      return si;
    },
  },
  {
    method: 'POST',
    pattern: '/v1/setup_intents/:id',
    publishable: true,
    handler: (ctx) => {
      const { em, account, params, path: [id = ''] } = ctx;
      rejectPaymentMethodTypes(params);
      const rec = getSetupIntent(account, id);
      // Stripe.js attaches the bank account collected by collectBankAccountForSetup to the intent.
      const p: z.output<typeof updateSchema> = ctx.publishable ? parseParams(clientUpdateSchema, params) : parseParams(updateSchema, params);
      checkClientSecret(ctx, rec.object, p.client_secret);
      const si = rec.object;
      if (p.customer !== undefined) si.customer = p.customer;
      if (p.description !== undefined) si.description = p.description || null;
      if (p.payment_method !== undefined) {
        si.payment_method = resolvePaymentMethod(em, account, p.payment_method).object.id;
        if (si.status === 'requires_payment_method') si.status = 'requires_confirmation';
      }
      const verification = p.payment_method_options?.us_bank_account?.verification_method;
      if (verification && si.payment_method_options?.us_bank_account) si.payment_method_options.us_bank_account.verification_method = verification;
      si.metadata = applyMetadata(si.metadata, p.metadata);
      em.changed();
      return si;
    },
  },
  {
    method: 'POST',
    pattern: '/v1/setup_intents/:id/confirm',
    publishable: true,
    handler: (ctx) => {
      const { em, account, params, path: [id = ''] } = ctx;
      rejectPaymentMethodTypes(params);
      const p = parseParams(confirmSchema, params);
      const rec = getSetupIntent(account, id);
      checkClientSecret(ctx, rec.object, p.client_secret);
      refuseOfflineWithPublishableKey(ctx.publishable, p.mandate_data);
      return confirmSetupIntent(em, account, rec, {
        return_url: p.return_url,
        use_stripe_sdk: p.use_stripe_sdk,
        client: ctx.client,
        payment_method: p.payment_method,
        payment_method_data: toPaymentMethodInput(p.payment_method_data),
        mandate_data: p.mandate_data,
        verification_method: p.payment_method_options?.us_bank_account?.verification_method,
      });
    },
  },
  {
    method: 'POST',
    pattern: '/v1/setup_intents/:id/cancel',
    handler: ({ em, account, params, path: [id = ''] }) => {
      const p = parseParams(cancelSchema, params);
      const rec = getSetupIntent(account, id);
      const si = rec.object;
      if (!['requires_payment_method', 'requires_confirmation', 'requires_action'].includes(si.status)) {
        throw invalidRequest(`You cannot cancel this SetupIntent because it has a status of ${si.status}.`, { code: 'setup_intent_unexpected_state' });
      }
      si.status = 'canceled';
      si.cancellation_reason = p.cancellation_reason ?? null;
      si.next_action = null;
      rec.meta.microdeposits = null;
      em.scheduler.cancel(si.id);
      emitEvent(em, account, 'setup_intent.canceled', si);
      return si;
    },
  },
  {
    method: 'POST',
    pattern: '/v1/setup_intents/:id/verify_microdeposits',
    publishable: true,
    handler: (ctx) => {
      const p = parseParams(verifyMicrodepositsSchema, ctx.params);
      const rec = getSetupIntent(ctx.account, ctx.path[0] ?? '');
      checkClientSecret(ctx, rec.object, p.client_secret);
      return verifySetupIntentMicrodeposits(ctx.em, ctx.account, rec, p);
    },
  },
  {
    method: 'GET',
    pattern: '/v1/setup_intents',
    handler: ({ account, params, url }) => {
      const p = parseParams(listSchema, params);
      const items = newestFirst(account.setupIntents.values())
        .map((r) => r.object)
        .filter((si) => (p.customer === undefined || si.customer === p.customer) && (p.payment_method === undefined || si.payment_method === p.payment_method));
      return paginate(items, p, url, 'setupintent');
    },
  },
];
