import type Stripe from 'stripe';
import type { AccountState } from '../../core/account-state.js';
import { API_VERSION, type Emulator } from '../../core/emulator.js';
import { newId } from '../../core/ids.js';

type Json = Record<string, unknown>;

function isPlainObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Stripe's `previous_attributes`: for every field that changed, its old value; nested objects
 * are diffed recursively so only changed sub-fields appear.
 */
export function previousAttributes(before: Json, after: Json): Json {
  const out: Json = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const a = before[key];
    const b = after[key];
    if (isPlainObject(a) && isPlainObject(b)) {
      const nested = previousAttributes(a, b);
      if (Object.keys(nested).length > 0) out[key] = nested;
    } else if (JSON.stringify(a) !== JSON.stringify(b)) {
      out[key] = a === undefined ? null : a;
    }
  }
  return out;
}

/**
 * Records an event for a state change and queues webhook deliveries. `data.object` is a snapshot
 * (later mutations of the object do not leak into the event). Not idempotent: one call, one event.
 */
export function emitEvent(em: Emulator, account: AccountState, type: Stripe.Event.Type, object: object, before?: object): Stripe.Event {
  const snapshot = structuredClone(object) as Json;
  const data: { object: Json; previous_attributes?: Json } = { object: snapshot };
  if (before) data.previous_attributes = previousAttributes(before as Json, snapshot);
  // Stripe.Event is a union discriminated by `type`; the payload matches the member for `type`.
  const event = {
    id: newId('evt'),
    object: 'event',
    api_version: API_VERSION,
    created: em.clock.nowSeconds(),
    data,
    livemode: false,
    pending_webhooks: 0,
    request: { id: em.activeRequest?.id ?? null, idempotency_key: em.activeRequest?.idempotencyKey ?? null },
    type,
  } as unknown as Stripe.Event;
  if (account.platformId) event.account = account.id;
  account.events.set(event.id, { object: event, meta: {} });
  em.webhooks.enqueue(account, event);
  em.changed();
  return event;
}
