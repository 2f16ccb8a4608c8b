import type Stripe from 'stripe';
import type { AccountState, WebhookEndpointRecord } from '../../core/account-state.js';
import { API_VERSION } from '../../core/emulator.js';
import { newId, randomAlphanumeric } from '../../core/ids.js';
import { invalidRequest, resourceMissing } from '../../core/stripe-error.js';
import { listParamShape, newestFirst, paginate } from '../../http/list.js';
import { anyParam, applyMetadata, arrayOf, bool, emptyable, metadata, obj, parseParams, str } from '../../http/params.js';
import type { Route } from '../../http/router.js';

const createSchema = obj({
  url: str,
  enabled_events: arrayOf(str),
  api_version: str.optional(),
  connect: bool.optional(),
  description: emptyable(str).optional(),
  metadata: metadata.optional(),
});
const updateSchema = obj({
  url: str.optional(),
  enabled_events: arrayOf(str).optional(),
  description: emptyable(str).optional(),
  disabled: bool.optional(),
  metadata: metadata.optional(),
});
const listSchema = obj({ ...listParamShape, created: anyParam.optional() });

function getEndpoint(account: AccountState, id: string): WebhookEndpointRecord {
  const rec = account.webhookEndpoints.get(id);
  if (!rec) throw resourceMissing('webhook endpoint', id);
  return rec;
}

function checkUrl(url: string): void {
  if (!/^https?:\/\/[^\s]+$/.test(url)) throw invalidRequest(`Invalid URL: ${url}`, { param: 'url', code: 'url_invalid' });
}

function checkEvents(events: string[]): void {
  if (events.length === 0) throw invalidRequest('Missing required param: enabled_events.', { param: 'enabled_events', code: 'parameter_missing' });
}

export const webhookEndpointRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/v1/webhook_endpoints',
    handler: ({ em, account, params }) => {
      const p = parseParams(createSchema, params);
      checkUrl(p.url);
      checkEvents(p.enabled_events);
      const secret = `whsec_${randomAlphanumeric(32)}`;
      const endpoint: Stripe.WebhookEndpoint = {
        id: newId('we'),
        object: 'webhook_endpoint',
        api_version: p.api_version ?? API_VERSION,
        application: null,
        created: em.clock.nowSeconds(),
        description: p.description || null,
        enabled_events: p.enabled_events,
        livemode: false,
        metadata: applyMetadata(null, p.metadata),
        status: 'enabled',
        url: p.url,
      };
      account.webhookEndpoints.set(endpoint.id, { object: endpoint, meta: { secret, connect: p.connect ?? false } });
      em.changed();
      return { ...endpoint, secret };
    },
  },
  {
    method: 'GET',
    pattern: '/v1/webhook_endpoints/:id',
    handler: ({ account, params, path: [id = ''] }) => {
      parseParams(obj({}), params);
      return getEndpoint(account, id).object;
    },
  },
  {
    method: 'POST',
    pattern: '/v1/webhook_endpoints/:id',
    handler: ({ em, account, params, path: [id = ''] }) => {
      const p = parseParams(updateSchema, params);
      const rec = getEndpoint(account, id);
      const e = rec.object;
      if (p.url !== undefined) {
        checkUrl(p.url);
        e.url = p.url;
      }
      if (p.enabled_events !== undefined) {
        checkEvents(p.enabled_events);
        e.enabled_events = p.enabled_events;
      }
      if (p.description !== undefined) e.description = p.description || null;
      if (p.disabled !== undefined) e.status = p.disabled ? 'disabled' : 'enabled';
      e.metadata = applyMetadata(e.metadata, p.metadata);
      em.changed();
      return e;
    },
  },
  {
    method: 'DELETE',
    pattern: '/v1/webhook_endpoints/:id',
    handler: ({ em, account, params, path: [id = ''] }) => {
      parseParams(obj({}), params);
      getEndpoint(account, id);
      account.webhookEndpoints.delete(id);
      em.changed();
      return { id, object: 'webhook_endpoint', deleted: true };
    },
  },
  {
    method: 'GET',
    pattern: '/v1/webhook_endpoints',
    handler: ({ account, params, url }) => {
      const p = parseParams(listSchema, params);
      return paginate(newestFirst(account.webhookEndpoints.values()).map((r) => r.object), p, url, 'webhook endpoint');
    },
  },
];
