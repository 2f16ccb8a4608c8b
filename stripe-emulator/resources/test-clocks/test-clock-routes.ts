import type Stripe from 'stripe';
import type { AccountState, Rec } from '../../core/account-state.js';
import { SECONDS_PER_DAY } from '../../core/clock.js';
import type { Emulator } from '../../core/emulator.js';
import { newId } from '../../core/ids.js';
import { invalidRequest, resourceMissing } from '../../core/stripe-error.js';
import { listParamShape, newestFirst, paginate } from '../../http/list.js';
import { int, obj, parseParams, str } from '../../http/params.js';
import type { Route } from '../../http/router.js';
import { emitEvent } from '../events/emit-event.js';

const createSchema = obj({ frozen_time: int, name: str.optional() });
const advanceSchema = obj({ frozen_time: int });

function getClock(account: AccountState, id: string): Rec<Stripe.TestHelpers.TestClock> {
  const rec = account.testClocks.get(id);
  if (!rec) throw resourceMissing('test_clock', id, 'test_clock');
  return rec;
}

/**
 * Advances a test clock: the call returns `advancing`; right after, every task due on that clock
 * runs in time order (with the clock set to each task's time), then the clock is `ready`.
 */
function advance(em: Emulator, account: AccountState, rec: Rec<Stripe.TestHelpers.TestClock>, target: number): void {
  const clock = rec.object;
  clock.status = 'advancing';
  clock.status_details = { advancing: { target_frozen_time: target } };
  emitEvent(em, account, 'test_helpers.test_clock.advancing', clock);
  setImmediate(() => {
    for (const task of em.scheduler.due(clock.id, target * 1000)) {
      clock.frozen_time = Math.max(clock.frozen_time, Math.floor(task.dueAtMs / 1000));
      em.scheduler.run(task);
    }
    clock.frozen_time = target;
    clock.status = 'ready';
    clock.status_details = {};
    emitEvent(em, account, 'test_helpers.test_clock.ready', clock);
  });
}

export const testClockRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/v1/test_helpers/test_clocks',
    handler: ({ em, account, params }) => {
      const p = parseParams(createSchema, params);
      const created = em.clock.nowSeconds();
      const clock: Stripe.TestHelpers.TestClock = {
        id: newId('clock'),
        object: 'test_helpers.test_clock',
        created,
        deletes_after: created + 30 * SECONDS_PER_DAY,
        frozen_time: p.frozen_time,
        livemode: false,
        name: p.name ?? null,
        status: 'ready',
        status_details: {},
      };
      account.testClocks.set(clock.id, { object: clock, meta: {} });
      emitEvent(em, account, 'test_helpers.test_clock.created', clock);
      return clock;
    },
  },
  {
    method: 'GET',
    pattern: '/v1/test_helpers/test_clocks/:id',
    handler: ({ account, params, path: [id = ''] }) => {
      parseParams(obj({}), params);
      return getClock(account, id).object;
    },
  },
  {
    method: 'GET',
    pattern: '/v1/test_helpers/test_clocks',
    handler: ({ account, params, url }) => paginate(newestFirst(account.testClocks.values()).map((r) => r.object), parseParams(obj(listParamShape), params), url, 'test_clock'),
  },
  {
    method: 'POST',
    pattern: '/v1/test_helpers/test_clocks/:id/advance',
    handler: ({ em, account, params, path: [id = ''] }) => {
      const p = parseParams(advanceSchema, params);
      const rec = getClock(account, id);
      if (rec.object.status !== 'ready') throw invalidRequest('The test clock is already advancing.', { code: 'test_clock_advancing' });
      if (p.frozen_time <= rec.object.frozen_time) {
        throw invalidRequest('The frozen_time must be after the current frozen_time of the test clock.', { param: 'frozen_time' });
      }
      advance(em, account, rec, p.frozen_time);
      return rec.object;
    },
  },
  {
    method: 'DELETE',
    pattern: '/v1/test_helpers/test_clocks/:id',
    handler: ({ em, account, params, path: [id = ''] }) => {
      parseParams(obj({}), params);
      const rec = getClock(account, id);
      for (const c of account.customers.values()) if (c.object.test_clock === id) c.meta.deleted = true;
      account.testClocks.delete(id);
      emitEvent(em, account, 'test_helpers.test_clock.deleted', rec.object);
      return { id, object: 'test_helpers.test_clock', deleted: true };
    },
  },
];
