import { resourceMissing } from '../../core/stripe-error.js';
import { listParamShape, newestFirst, paginate } from '../../http/list.js';
import { obj, parseParams, str } from '../../http/params.js';
import type { Route } from '../../http/router.js';

const listSchema = obj({ ...listParamShape, customer: str.optional(), payment_intent: str.optional(), transfer_group: str.optional() });

export const chargeRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/v1/charges/:id',
    handler: ({ account, params, path: [id = ''] }) => {
      parseParams(obj({}), params);
      const rec = account.charges.get(id);
      if (!rec) throw resourceMissing('charge', id);
      return rec.object;
    },
  },
  {
    method: 'GET',
    pattern: '/v1/charges',
    handler: ({ account, params, url }) => {
      const p = parseParams(listSchema, params);
      const items = newestFirst(account.charges.values())
        .map((r) => r.object)
        .filter((c) => (p.customer === undefined || c.customer === p.customer) && (p.payment_intent === undefined || c.payment_intent === p.payment_intent));
      return paginate(items, p, url, 'charge');
    },
  },
];
