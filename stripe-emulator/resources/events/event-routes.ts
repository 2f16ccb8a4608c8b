import { resourceMissing } from '../../core/stripe-error.js';
import { listParamShape, newestFirst, paginate } from '../../http/list.js';
import { arrayOf, obj, parseParams, str, anyParam, bool } from '../../http/params.js';
import type { Route } from '../../http/router.js';

const listSchema = obj({ ...listParamShape, type: str.optional(), types: arrayOf(str).optional(), delivery_success: bool.optional(), created: anyParam.optional() });

function typeMatches(pattern: string, type: string): boolean {
  return pattern.endsWith('*') ? type.startsWith(pattern.slice(0, -1)) : pattern === type;
}

export const eventRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/v1/events/:id',
    handler: ({ account, params, path: [id = ''] }) => {
      parseParams(obj({}), params);
      const rec = account.events.get(id);
      if (!rec) throw resourceMissing('event', id);
      return rec.object;
    },
  },
  {
    method: 'GET',
    pattern: '/v1/events',
    handler: ({ account, params, url }) => {
      const p = parseParams(listSchema, params);
      let items = newestFirst(account.events.values()).map((r) => r.object);
      if (p.type !== undefined) items = items.filter((e) => typeMatches(p.type ?? '', e.type));
      if (p.types !== undefined) items = items.filter((e) => (p.types ?? []).some((t) => typeMatches(t, e.type)));
      return paginate(items, p, url, 'event');
    },
  },
];
