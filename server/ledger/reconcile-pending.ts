// Runs the matching engine over every payment that still waits for it: succeeded money that came in
// without a split (bank transfers, Stripe payments made elsewhere, offline payments recorded for
// automatic matching) and was neither reconciled nor queued for a person. Safe to run any number of
// times: reconcilePayment is idempotent by payment, so a second run changes nothing.
import type { Clock } from '../clock';
import type { InstallationScope } from '../db/tenant-scope';
import type { CreditActor } from './client-credit';
import { queueWriteBacks } from './queue-write-backs';
import { reconcilePayment, type Matcher } from './reconcile-payment';

export interface ReconcilePendingResult {
  considered: number;
  allocated: number;
  exceptions: number;
}

/** One transaction per payment (a failure affects only that payment), oldest first, at most `limit`. */
export async function reconcilePending(scope: InstallationScope, options: { matcher: Matcher; actor: CreditActor; limit?: number }, clock: Clock): Promise<ReconcilePendingResult> {
  const ids = (await scope
    .from('payments')
    .where({ status: 'succeeded' })
    .whereIn('source', ['bank_transfer', 'stripe', 'offline'])
    .whereNull('reconciled_at')
    .whereNotExists(scope.db('reconciliation_exceptions as e').whereRaw('e.installation_id = payments.installation_id and e.payment_id = payments.id'))
    .orderBy([{ column: 'received_at' }, { column: 'id' }])
    .limit(options.limit ?? 500)
    .pluck('id')) as string[];
  const result: ReconcilePendingResult = { considered: ids.length, allocated: 0, exceptions: 0 };
  for (const id of ids) {
    await scope.transaction(async (tx) => {
      const r = await reconcilePayment(tx, id, { matcher: options.matcher, actor: options.actor }, clock);
      if (r.outcome === 'allocated') result.allocated++;
      if (r.outcome === 'exception') result.exceptions++;
      if (r.outcome === 'allocated' || r.outcome === 'exception') await queueWriteBacks(tx, [id, ...r.paymentIds], clock);
    });
  }
  return result;
}
