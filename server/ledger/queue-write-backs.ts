// One PSA write-back per ledger change: a ledger command gathers every payment whose row or
// allocations it changed and queues them once, at the end of its transaction (the outbox dedupes by
// payment version, so a payment changed once is sent once).
import type { Clock } from '../clock';
import type { InstallationScope } from '../db/tenant-scope';
import { enqueuePsaWriteBacks } from '../outbox/enqueue-psa-write-back';

/** Queues the PSA write-back of each payment once. Call last, inside the change's transaction. */
export async function queueWriteBacks(scope: InstallationScope, paymentIds: Iterable<string>, clock: Clock): Promise<void> {
  await enqueuePsaWriteBacks(scope, [...new Set(paymentIds)].sort(), clock);
}
