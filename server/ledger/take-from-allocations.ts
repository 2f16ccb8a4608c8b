// Undoing applied allocations, in full or in part, without losing history: the allocation is marked
// `reversed` (with when and why) and, when only part of it is undone, the rest is inserted again as a
// new applied allocation that points at the one it replaces. The PSA sees the reversed row (its
// reversedAt) and the new one, so it can follow every change.
import type { InstallationScope } from '../db/tenant-scope';

export type ReversalReason = 'refund' | 'dispute' | 'excess_to_credit' | 'moved';

export interface AllocationRow {
  id: string;
  payment_id: string;
  invoice_id: string;
  amount: number | string;
  currency: string;
  rule: string;
  confidence: number | string;
  created_by_kind: string;
  created_by_id: string | null;
  created_at: Date;
}

export interface Taken {
  allocationId: string;
  paymentId: string;
  invoiceId: string;
  amount: number;
}

/**
 * Takes up to `amount` from `rows` in the order given (the caller decides the order and documents
 * it). Returns what was taken from each allocation. Call inside a transaction; never recomputes
 * invoices and never queues a write-back (the caller does both once for the whole change).
 */
export async function takeFromAllocations(scope: InstallationScope, rows: readonly AllocationRow[], amount: number, reason: ReversalReason, at: Date): Promise<Taken[]> {
  const taken: Taken[] = [];
  let left = amount;
  for (const row of rows) {
    if (left <= 0) break;
    const have = Number(row.amount);
    const take = Math.min(have, left);
    const done = (await scope
      .from('allocations')
      .where({ id: row.id, state: 'applied' })
      .update({ state: 'reversed', reversed_at: at, reversal_reason: reason })
      .returning('id')) as unknown[];
    if (done.length === 0) continue; // already undone by a concurrent change seen before our lock
    if (take < have) {
      await scope.insert('allocations', {
        payment_id: row.payment_id,
        invoice_id: row.invoice_id,
        amount: have - take,
        currency: row.currency,
        rule: row.rule,
        confidence: row.confidence,
        state: 'applied',
        created_by_kind: row.created_by_kind,
        created_by_id: row.created_by_id,
        replaces_allocation_id: row.id,
        created_at: at,
      });
    }
    taken.push({ allocationId: row.id, paymentId: row.payment_id, invoiceId: row.invoice_id, amount: take });
    left -= take;
  }
  return taken;
}
