import type Stripe from 'stripe';
import { resourceMissing } from '../../core/stripe-error.js';
import { limitParam, listParamShape, newestFirst, paginate } from '../../http/list.js';
import { obj, oneOf, parseParams, str } from '../../http/params.js';
import type { Route } from '../../http/router.js';
import { searchPage } from '../../http/search.js';
import { liveCustomer } from '../payment-methods/attach-payment-method.js';
import { customerCreateSchema, customerUpdateSchema } from './customer-params.js';
import { createCustomer, deleteCustomer, updateCustomer } from './save-customer.js';
import { filterCustomers } from './search-customers.js';

const listSchema = obj({ ...listParamShape, email: str.optional(), test_clock: str.optional() });
const searchSchema = obj({ query: str, limit: limitParam.optional(), page: str.optional() });
const pmListSchema = obj({ ...listParamShape, type: oneOf(['card', 'us_bank_account']).optional(), allow_redisplay: str.optional() });
const empty = obj({});

function liveCustomers(values: Iterable<{ object: Stripe.Customer; meta: { deleted: boolean } }>): Stripe.Customer[] {
  const out: Stripe.Customer[] = [];
  for (const r of values) if (!r.meta.deleted) out.push(r.object);
  return out;
}

export const customerRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/v1/customers',
    handler: ({ em, account, params }) => createCustomer(em, account, parseParams(customerCreateSchema, params)),
  },
  {
    method: 'GET',
    pattern: '/v1/customers/search',
    handler: ({ account, params }) => {
      const p = parseParams(searchSchema, params);
      return searchPage(filterCustomers(newestFirst(liveCustomers(account.customers.values())), p.query), p.limit, p.page, '/v1/customers/search');
    },
  },
  {
    method: 'GET',
    pattern: '/v1/customers/:id',
    handler: ({ account, params, path: [id = ''] }) => {
      parseParams(empty, params);
      const rec = account.customers.get(id);
      if (rec?.meta.deleted) return { id, object: 'customer', deleted: true };
      return liveCustomer(account, id, 'id').object;
    },
  },
  {
    method: 'POST',
    pattern: '/v1/customers/:id',
    handler: ({ em, account, params, path: [id = ''] }) => {
      const input = parseParams(customerUpdateSchema, params);
      return updateCustomer(em, account, liveCustomer(account, id, 'id'), input);
    },
  },
  {
    method: 'DELETE',
    pattern: '/v1/customers/:id',
    handler: ({ em, account, params, path: [id = ''] }) => {
      parseParams(empty, params);
      return deleteCustomer(em, account, liveCustomer(account, id, 'id'));
    },
  },
  {
    method: 'GET',
    pattern: '/v1/customers',
    handler: ({ account, params, url }) => {
      const p = parseParams(listSchema, params);
      let items = newestFirst(liveCustomers(account.customers.values()));
      if (p.email !== undefined) items = items.filter((c) => c.email === p.email);
      if (p.test_clock !== undefined) items = items.filter((c) => c.test_clock === p.test_clock);
      return paginate(items, p, url, 'customer');
    },
  },
  {
    method: 'GET',
    pattern: '/v1/customers/:id/payment_methods',
    handler: ({ account, params, url, path: [id = ''] }) => {
      const p = parseParams(pmListSchema, params);
      liveCustomer(account, id, 'customer');
      const items = newestFirst(account.paymentMethods.values())
        .map((r) => r.object)
        .filter((pm) => pm.customer === id && (p.type === undefined || pm.type === p.type));
      return paginate(items, p, url, 'PaymentMethod');
    },
  },
  {
    method: 'GET',
    pattern: '/v1/customers/:id/payment_methods/:pm',
    handler: ({ account, params, path: [id = '', pmId = ''] }) => {
      parseParams(empty, params);
      liveCustomer(account, id, 'customer');
      const pm = account.paymentMethods.get(pmId);
      if (!pm || pm.object.customer !== id) throw resourceMissing('PaymentMethod', pmId, 'payment_method');
      return pm.object;
    },
  },
];
