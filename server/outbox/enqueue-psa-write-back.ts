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
  if (!scope.db.isTransaction) throw new Error('enqueuePsaWriteBack must run inside the payment change transaction');
  const inst = (await scope.db('installations').where({ id: scope.installationId }).first('psa_webhook_url')) as { psa_webhook_url: string | null } | undefined;
  if (!inst?.psa_webhook_url) return null;
  const row = (await selectPayments(scope).where('payments.id', input.paymentId).first()) as PaymentRow | undefined;
  if (!row) throw new Error(`payment ${input.paymentId} not found in installation ${scope.installationId}`);
  const [payment] = await toPaymentSnapshots(scope, [row]);
  const dedupeKey = `payment:${row.id}:v${row.version}`;
  const id = randomUUID();
  const now = clock.now();
  const payload: PsaWriteBackPayload = { id, type: 'payment.updated', createdAt: now.toISOString(), installationId: scope.installationId, payment: payment! };
  const inserted = (await scope
    .insert('outbox', {
      id,
      kind: 'psa_webhook',
      dedupe_key: dedupeKey,
      subject_id: row.id,
      payload: JSON.stringify(payload),
      status: 'pending',
      next_attempt_at: now,
      created_at: now,
      updated_at: now,
    })
    .onConflict(['installation_id', 'kind', 'dedupe_key'])
    .ignore()
    .returning('id')) as Array<{ id: string }>;
  if (inserted.length) return { id, dedupeKey };
  const existing = (await scope.from('outbox').where({ kind: 'psa_webhook', dedupe_key: dedupeKey }).first('id')) as { id: string };
  return { id: existing.id, dedupeKey };
}
