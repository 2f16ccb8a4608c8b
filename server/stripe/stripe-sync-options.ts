import type Stripe from 'stripe';
import type { Clock } from '../clock';
import type { InstallationScope } from '../db/tenant-scope';
import type { Logger } from '../logger';

/** What every convergent `sync…()` function needs: the tenant, its Stripe client, time, a logger. */
export interface StripeSyncOptions {
  scope: InstallationScope;
  stripe: Stripe;
  clock: Clock;
  logger: Logger;
  /** Settle's public base URL (links in the emails a transition sends, e.g. receipts). */
  publicUrl: string;
}

/**
 * The result of a sync. `not_ours`: Settle has no row for the object (it did not create it), so
 * nothing was read or written. `stale`: a newer sync of the same object already wrote; nothing was
 * written. `unchanged`/`updated`: the rows now match Stripe.
 */
export type SyncOutcome = 'not_ours' | 'stale' | 'unchanged' | 'updated';

/** Stripe expandable fields arrive as an id or an object; Settle keeps the id. */
export function idOf(value: string | { id: string } | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : value.id;
}

/** Only the columns whose value differs (so an unchanged sync writes nothing and bumps no version). */
export function changedColumns<T extends Record<string, unknown>>(current: Record<string, unknown>, next: T): Partial<T> {
  const out: Partial<T> = {};
  for (const key of Object.keys(next) as Array<keyof T & string>) {
    if (!sameValue(current[key], next[key])) out[key] = next[key];
  }
  return out;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date || b instanceof Date) {
    const ta = a instanceof Date ? a.getTime() : a === null || a === undefined ? null : new Date(a as string).getTime();
    const tb = b instanceof Date ? b.getTime() : b === null || b === undefined ? null : new Date(b as string).getTime();
    return ta === tb;
  }
  return (a ?? null) === (b ?? null);
}
