import { resourceMissing } from '../../core/stripe-error.js';
import { obj, parseParams } from '../../http/params.js';
import type { Route } from '../../http/router.js';

export const mandateRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/v1/mandates/:id',
    handler: ({ account, params, path: [id = ''] }) => {
      parseParams(obj({}), params);
      const rec = account.mandates.get(id);
      if (!rec) throw resourceMissing('mandate', id);
      return rec.object;
    },
  },
];
