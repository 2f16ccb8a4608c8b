import type { ResolvedOptions } from '../options.js';
import type { FaultInjector } from '../faults/fault-injector.js';
import type { WebhookDispatcher } from '../webhooks/webhook-dispatcher.js';
import type { AccountState } from './account-state.js';
import type { EmulatorClock } from './clock.js';
import type { EmulatorState } from './emulator-state.js';
import type { Scheduler } from './scheduler.js';

export const API_VERSION = '2026-10-28.endive';

/** The running emulator as domain code sees it: state, time, side-effect channels. */
export interface Emulator {
  options: ResolvedOptions;
  state: EmulatorState;
  clock: EmulatorClock;
  scheduler: Scheduler;
  faults: FaultInjector;
  webhooks: WebhookDispatcher;
  /** `http://127.0.0.1:PORT`, known once listening. */
  baseUrl: string;
  /** The API request being executed (handlers run synchronously), for `event.request`. */
  activeRequest: { id: string; idempotencyKey: string | null } | null;
  /** Marks state as changed (snapshot persistence). */
  changed(): void;
}

/** Current time in ms for objects of `customerId`: its test clock's frozen time, else the emulator clock. */
export function timeForCustomer(em: Emulator, account: AccountState, customerId: string | null): { ms: number; clockId: string | null } {
  if (customerId) {
    const clockRef = account.customers.get(customerId)?.object.test_clock;
    const clockId = typeof clockRef === 'string' ? clockRef : (clockRef?.id ?? null);
    const clock = clockId ? account.testClocks.get(clockId) : undefined;
    if (clock && clockId) return { ms: clock.object.frozen_time * 1000, clockId };
  }
  return { ms: em.clock.nowMs(), clockId: null };
}

export function idOf(ref: string | { id: string } | null | undefined): string | null {
  if (ref === null || ref === undefined) return null;
  return typeof ref === 'string' ? ref : ref.id;
}
