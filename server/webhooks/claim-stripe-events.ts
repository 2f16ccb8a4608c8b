import type { AppContext } from '../http/context';
import { EVENT_LEASE_MS } from './retry-policy';

export interface ClaimedStripeEvent {
  id: string;
  installation_id: string;
  stripe_event_id: string;
  type: string;
  payload: unknown;
  /** This claim's attempt number; finishing is conditional on it (a takeover bumps it). */
  attempts: number;
}

/**
 * Claims up to `limit` events for this worker, oldest first: pending ones, failed ones whose backoff
 * has passed, and processing ones whose lease expired (their worker died mid-way: the crash-recovery
 * path). One statement: rows are locked with FOR UPDATE SKIP LOCKED, so concurrent workers in any
 * number of processes never claim the same event, and a stale row is re-acquired atomically. Each
 * claim counts as an attempt, so an event that crashes its worker every time still dead-letters.
 */
export async function claimStripeEvents(ctx: AppContext, limit: number): Promise<ClaimedStripeEvent[]> {
  const now = ctx.clock.now();
  const leaseUntil = new Date(now.getTime() + EVENT_LEASE_MS);
  const result = (await ctx.db.raw(
    `update stripe_events e
        set status = 'processing', attempts = e.attempts + 1, locked_until = ?, next_attempt_at = null
      where e.id in (
        select id from stripe_events
         where status = 'pending'
            or (status = 'failed' and next_attempt_at <= ?)
            or (status = 'processing' and locked_until < ?)
         order by received_at
         limit ?
         for update skip locked)
      returning e.id, e.installation_id, e.stripe_event_id, e.type, e.payload, e.attempts`,
    [leaseUntil, now, now, limit],
  )) as { rows: ClaimedStripeEvent[] };
  return result.rows;
}
