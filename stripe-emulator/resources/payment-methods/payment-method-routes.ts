import type Stripe from 'stripe';
import { applyMetadata, addressParam, emptyable, int, metadata, obj, oneOf, parseParams, str } from '../../http/params.js';
import { listParamShape, newestFirst, paginate } from '../../http/list.js';
import type { Route } from '../../http/router.js';
import { invalidRequest, resourceMissing } from '../../core/stripe-error.js';
import { emitEvent } from '../events/emit-event.js';
import { attachPaymentMethod, detachPaymentMethod, liveCustomer } from './attach-payment-method.js';
import { billingDetails, createPaymentMethod, resolvePaymentMethod, type PaymentMethodInput } from './create-payment-method.js';
import type { z } from 'zod';
import type { AccountState, PaymentMethodRecord } from '../../core/account-state.js';

export const billingDetailsParam = obj({
  address: emptyable(addressParam).optional(),
  email: emptyable(str).optional(),
  name: emptyable(str).optional(),
  phone: emptyable(str).optional(),
  tax_id: str.optional(),
});

export const cardParam = obj({ number: str, exp_month: int, exp_year: int, cvc: str.optional(), networks: obj({ preferred: str.optional() }).optional() });

export const bankParam = obj({
  routing_number: str.optional(),
  account_number: str.optional(),
  account_holder_type: oneOf(['individual', 'company']).optional(),
  account_type: oneOf(['checking', 'savings']).optional(),
  financial_connections_account: str.optional(),
});

export const paymentMethodDataParam = obj({
  type: oneOf(['card', 'us_bank_account']),
  card: cardParam.optional(),
  us_bank_account: bankParam.optional(),
  billing_details: billingDetailsParam.optional(),
  metadata: metadata.optional(),
  allow_redisplay: oneOf(['always', 'limited', 'unspecified']).optional(),
});

const createSchema = obj({
  type: oneOf(['card', 'us_bank_account']).optional(),
  card: cardParam.optional(),
  us_bank_account: bankParam.optional(),
  billing_details: billingDetailsParam.optional(),
  metadata: metadata.optional(),
  allow_redisplay: oneOf(['always', 'limited', 'unspecified']).optional(),
  customer: str.optional(),
  payment_method: str.optional(),
});

const updateSchema = obj({
  allow_redisplay: oneOf(['always', 'limited', 'unspecified']).optional(),
  billing_details: billingDetailsParam.optional(),
  card: obj({ exp_month: int.optional(), exp_year: int.optional(), networks: obj({ preferred: str.optional() }).optional() }).optional(),
  metadata: metadata.optional(),
  us_bank_account: obj({ account_holder_type: oneOf(['individual', 'company']).optional(), account_type: oneOf(['checking', 'savings']).optional() }).optional(),
});

const listSchema = obj({ ...listParamShape, customer: str.optional(), type: oneOf(['card', 'us_bank_account']).optional(), allow_redisplay: str.optional() });
const attachSchema = obj({ customer: str });
const empty = obj({});

function getPm(account: AccountState, id: string): PaymentMethodRecord {
  const pm = account.paymentMethods.get(id);
  if (!pm) throw resourceMissing('PaymentMethod', id, 'payment_method');
  return pm;
}

function clean<T extends object>(input: T | undefined): { [K in keyof T]: Exclude<T[K], ''> } | undefined {
  if (!input) return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input)) if (v !== '') out[k] = v;
  return out as { [K in keyof T]: Exclude<T[K], ''> };
}

/** Converts parsed `payment_method_data` into the domain input. */
export function toPaymentMethodInput(data: z.output<typeof paymentMethodDataParam> | undefined): PaymentMethodInput | undefined {
  if (!data) return undefined;
  return {
    type: data.type,
    card: data.card,
    us_bank_account: data.us_bank_account,
    billing_details: clean(data.billing_details),
    metadata: data.metadata || undefined,
    allow_redisplay: data.allow_redisplay,
  };
}

export const paymentMethodRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/v1/payment_methods',
    publishable: true,
    handler: ({ em, account, params, publishable }) => {
      const p = parseParams(createSchema, params);
      if (publishable && (p.customer !== undefined || p.payment_method !== undefined)) {
        throw invalidRequest('This parameter cannot be used with a publishable API key. Please use a secret API key.', { param: p.customer !== undefined ? 'customer' : 'payment_method' });
      }
      if (p.payment_method !== undefined && p.type === undefined) return resolvePaymentMethod(em, account, p.payment_method).object;
      const rec = createPaymentMethod(em, account, {
        type: p.type ?? 'card',
        card: p.card,
        us_bank_account: p.us_bank_account,
        billing_details: clean(p.billing_details),
        metadata: p.metadata || undefined,
        allow_redisplay: p.allow_redisplay,
      });
      if (p.customer !== undefined) attachPaymentMethod(em, account, rec, p.customer);
      return rec.object;
    },
  },
  {
    method: 'GET',
    pattern: '/v1/payment_methods/:id',
    handler: ({ account, params, path: [id = ''] }) => {
      parseParams(empty, params);
      return getPm(account, id).object;
    },
  },
  {
    method: 'POST',
    pattern: '/v1/payment_methods/:id',
    handler: ({ em, account, params, path: [id = ''] }) => {
      const p = parseParams(updateSchema, params);
      const rec = getPm(account, id);
      const before = structuredClone(rec.object);
      const pm: Stripe.PaymentMethod = structuredClone(rec.object);
      if (p.allow_redisplay) pm.allow_redisplay = p.allow_redisplay;
      if (p.billing_details) {
        const merged = billingDetails(clean(p.billing_details));
        const b = p.billing_details;
        pm.billing_details = {
          address: b.address !== undefined ? (b.address === '' ? null : merged.address) : pm.billing_details.address,
          email: b.email !== undefined ? merged.email : pm.billing_details.email,
          name: b.name !== undefined ? merged.name : pm.billing_details.name,
          phone: b.phone !== undefined ? merged.phone : pm.billing_details.phone,
          tax_id: pm.billing_details.tax_id,
        };
      }
      if (p.card && pm.card) {
        if (p.card.exp_month !== undefined) pm.card.exp_month = p.card.exp_month;
        if (p.card.exp_year !== undefined) pm.card.exp_year = p.card.exp_year;
      }
      if (p.us_bank_account && pm.us_bank_account) {
        if (p.us_bank_account.account_holder_type) pm.us_bank_account.account_holder_type = p.us_bank_account.account_holder_type;
        if (p.us_bank_account.account_type) pm.us_bank_account.account_type = p.us_bank_account.account_type;
      }
      pm.metadata = applyMetadata(pm.metadata, p.metadata);
      rec.object = pm;
      emitEvent(em, account, 'payment_method.updated', pm, before);
      return pm;
    },
  },
  {
    method: 'GET',
    pattern: '/v1/payment_methods',
    handler: ({ account, params, url }) => {
      const p = parseParams(listSchema, params);
      if (p.customer !== undefined) liveCustomer(account, p.customer);
      const items = newestFirst(account.paymentMethods.values())
        .map((r) => r.object)
        .filter((pm) => (p.customer === undefined || pm.customer === p.customer) && (p.type === undefined || pm.type === p.type));
      return paginate(items, p, url, 'PaymentMethod');
    },
  },
  {
    method: 'POST',
    pattern: '/v1/payment_methods/:id/attach',
    handler: ({ em, account, params, path: [id = ''] }) => {
      const p = parseParams(attachSchema, params);
      const rec = resolvePaymentMethod(em, account, id, 'payment_method');
      attachPaymentMethod(em, account, rec, p.customer);
      return rec.object;
    },
  },
  {
    method: 'POST',
    pattern: '/v1/payment_methods/:id/detach',
    handler: ({ em, account, params, path: [id = ''] }) => {
      parseParams(empty, params);
      const rec = getPm(account, id);
      detachPaymentMethod(em, account, rec);
      return rec.object;
    },
  },
];
