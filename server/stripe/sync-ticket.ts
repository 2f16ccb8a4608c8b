// Ordering for convergent syncs. A webhook is only a trigger: the sync re-fetches the object and
// writes what Stripe says. Two workers may sync the same object at once (duplicate or shuffled
// deliveries, the drift sweep); without care the slower, older fetch could be written last. So each
// sync takes a ticket from a database sequence *before* fetching, and writes only if no newer ticket
// was written for that object already (stripe_object_syncs). The most recently started fetch wins,
// and it began after the last change in Stripe, so the final state is Stripe's final state.
import type { DbOrTrx } from '../db/database';
import type { InstallationScope } from '../db/tenant-scope';

export type SyncTicket = number;

/** Takes the next ticket. Call before fetching the object from Stripe. */
export async function takeSyncTicket(db: DbOrTrx): Promise<SyncTicket> {
  const result = (await db.raw("select nextval('stripe_sync_seq') as seq")) as { rows: Array<{ seq: number | string }> };
  return Number(result.rows[0]!.seq);
}

/**
 * Records that `objectId` was synced with `ticket`, inside the transaction that writes the synced
 * rows. Returns false when a newer ticket was already written: the caller's fetch is stale and it
 * must write nothing.
 */
export async function claimSyncWrite(scope: InstallationScope, objectId: string, ticket: SyncTicket, now: Date): Promise<boolean> {
  const result = (await scope.db.raw(
    `insert into stripe_object_syncs (installation_id, object_id, seq, synced_at) values (?, ?, ?, ?)
     on conflict (installation_id, object_id) do update set seq = excluded.seq, synced_at = excluded.synced_at
     where stripe_object_syncs.seq < excluded.seq
     returning seq`,
    [scope.installationId, objectId, ticket, now],
  )) as { rows: unknown[] };
  return result.rows.length === 1;
}
