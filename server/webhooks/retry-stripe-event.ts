import { recordAudit, type AuditActor } from '../audit/record-audit';
import type { Clock } from '../clock';
import type { InstallationScope } from '../db/tenant-scope';
import { AppError } from '../http/app-error';
import { toEventView, type WebhookEventView } from './get-webhook-health';

export interface RetryStripeEventInput {
  eventRowId: string;
  actor: AuditActor;
  ip?: string | undefined;
  requestId?: string | undefined;
}

/**
 * Puts a dead-lettered (or failed, waiting for its backoff) event back in the queue with a fresh
 * retry budget, and audits who did it. Idempotent in effect: a second call finds the event pending
 * and answers WEBHOOK_EVENT_NOT_RETRYABLE. Never retries a processed, pending or in-flight event and
 * never processes anything itself (a worker picks it up).
 */
export async function retryStripeEvent(scope: InstallationScope, input: RetryStripeEventInput, clock: Clock): Promise<WebhookEventView> {
  return scope.transaction(async (tx) => {
    const row = (await tx.from('stripe_events').where({ id: input.eventRowId }).forUpdate().first()) as Record<string, unknown> | undefined;
    if (!row) throw new AppError('WEBHOOK_EVENT_NOT_FOUND');
    if (row.status !== 'dead' && row.status !== 'failed') throw new AppError('WEBHOOK_EVENT_NOT_RETRYABLE');
    const [updated] = (await tx
      .from('stripe_events')
      .where({ id: input.eventRowId })
      .update({ status: 'pending', attempts: 0, next_attempt_at: null, locked_until: null, processed_at: null })
      .returning(['id', 'stripe_event_id', 'type', 'object_id', 'status', 'attempts', 'last_error', 'received_at', 'next_attempt_at'])) as Array<Parameters<typeof toEventView>[0]>;
    await recordAudit(
      tx,
      {
        actor: input.actor,
        action: 'webhook_event.retried',
        subjectType: 'stripe_event',
        subjectId: input.eventRowId,
        details: { stripeEventId: row.stripe_event_id, type: row.type, previousStatus: row.status, attempts: row.attempts, lastError: row.last_error },
        ip: input.ip,
        requestId: input.requestId,
      },
      clock,
    );
    return toEventView(updated!);
  });
}
