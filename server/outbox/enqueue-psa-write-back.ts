// Write-back, step 1: record "tell the PSA about this payment" in the outbox, in the same transaction
// as the payment change, so the change and the promise to send it commit (or roll back) together.
// Delivery (deliver-outbox.ts) happens later, signed, with retries.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import type { InstallationScope } from '../db/tenant-scope';
import { selectPayments, toPaymentSnapshots, type PaymentRow, type PsaPaymentSnapshot } from '../psa/payment-snapshot';

/**
 * The JSON body POSTed to the PSA's webhook URL (documented in docs/openapi.yaml as
 * `PsaPaymentWebhook`). `id` is unique per delivery: receivers dedupe on it. `payment.version`
 * orders changes of one payment: apply a delivery only if its version is newer than the one stored
 * (retries can deliver an older version after a newer one).
 */
export interface PsaWriteBackPayload {
  id: string;
  type: 'payment.updated';
  createdAt: string;
  installationId: string;
  payment: PsaPaymentSnapshot;
}

export interface EnqueuePsaWriteBackInput {
  paymentId: string;
}

/**
 * Call after every change to a payment or its allocations, inside that change's transaction, with
 * the scope bound to it (`scope.transaction(async (trx) => { …change…; await enqueuePsaWriteBack(trx, …) })`).
 * Snapshots the payment as it is now and queues one delivery per payment version: calling it again
 * without a further change is a no-op (same dedupe key), so a change is sent exactly once.
 * Returns null, queuing nothing, when the installation has no PSA webhook URL (the PSA can still pull
 * `GET /api/psa/payments`). Never sends anything itself.
 */
export async function enqueuePsaWriteBack(scope: InstallationScope, input: EnqueuePsaWriteBackInput, clock: Clock): Promise<{ id: string; dedupeKey: string } | null> {
  const [queued] = await enqueuePsaWriteBacks(scope, [input.paymentId], clock);
  return queued ?? null;
}

// The webhook URL as the transaction first read it: a batch of autopay outcomes queues a write-back
// per charge in one transaction, and one read serves them all.
const urlInTransaction = new WeakMap<object, string | null>();

async function psaWebhookUrl(scope: InstallationScope): Promise<string | null> {
  const key = scope.db as object;
  const known = urlInTransaction.get(key);
  if (known !== undefined) return known;
  const inst = (await scope.db('installations').where({ id: scope.installationId }).first('psa_webhook_url')) as { psa_webhook_url: string | null } | undefined;
  const url = inst?.psa_webhook_url ?? null;
  urlInTransaction.set(key, url);
  return url;
}

/**
 * enqueuePsaWriteBack for many payments in a few statements (one read of the webhook URL, one of the
 * payments, one insert): the same rows, the same dedupe, in the order of `paymentIds`. Returns
 * nothing (an empty list) when the installation has no PSA webhook URL.
 */
export async function enqueuePsaWriteBacks(scope: InstallationScope, paymentIds: readonly string[], clock: Clock): Promise<Array<{ id: string; dedupeKey: string }>> {
  if (!scope.db.isTransaction) throw new Error('enqueuePsaWriteBack must run inside the payment change transaction');
  if (paymentIds.length === 0) return [];
  if (!(await psaWebhookUrl(scope))) return [];
  const ids = [...new Set(paymentIds)];
  const rows = (await selectPayments(scope).whereIn('payments.id', ids)) as PaymentRow[];
  const byId = new Map(rows.map((r) => [r.id, r]));
  const missing = ids.find((id) => !byId.has(id));
  if (missing) throw new Error(`payment ${missing} not found in installation ${scope.installationId}`);
  const ordered = ids.map((id) => byId.get(id)!);
  const snapshots = await toPaymentSnapshots(scope, ordered);
  const now = clock.now();
  const queued = ordered.map((row, i) => {
    const id = randomUUID();
    const payload: PsaWriteBackPayload = { id, type: 'payment.updated', createdAt: now.toISOString(), installationId: scope.installationId, payment: snapshots[i]! };
    return { id, dedupeKey: `payment:${row.id}:v${row.version}`, subjectId: row.id, payload };
  });
  const inserted = (await scope
    .insert(
      'outbox',
      queued.map((q) => ({
        id: q.id,
        kind: 'psa_webhook',
        dedupe_key: q.dedupeKey,
        subject_id: q.subjectId,
        payload: JSON.stringify(q.payload),
        status: 'pending',
        next_attempt_at: now,
        created_at: now,
        updated_at: now,
      })),
    )
    .onConflict(['installation_id', 'kind', 'dedupe_key'])
    .ignore()
    .returning('id')) as Array<{ id: string }>;
  if (inserted.length === queued.length) return queued.map(({ id, dedupeKey }) => ({ id, dedupeKey }));
  // Some versions were queued before: answer with the rows that hold them.
  const existing = new Map(
    ((await scope.from('outbox').where({ kind: 'psa_webhook' }).whereIn('dedupe_key', queued.map((q) => q.dedupeKey)).select('id', 'dedupe_key')) as Array<{ id: string; dedupe_key: string }>).map((r) => [r.dedupe_key, r.id]),
  );
  return queued.map(({ dedupeKey }) => ({ id: existing.get(dedupeKey)!, dedupeKey }));
}
