// Outbound deliveries for the technician UI: failing (waiting for a retry) and dead ones first of
// all, with why they failed; and a manual retry.
import { actorOf, recordAudit } from '../audit/record-audit';
import type { Principal } from '../auth/principal';
import type { Clock } from '../clock';
import { toCount } from '../db/database';
import type { InstallationScope } from '../db/tenant-scope';
import { AppError } from '../http/app-error';

export type DeliveryFilter = 'failing' | 'dead' | 'all';

export interface OutboxDeliveryView {
  id: string;
  kind: 'psa_webhook' | 'email';
  status: 'pending' | 'sending' | 'sent' | 'stored' | 'dead';
  /** pending with at least one failed attempt: waiting for its next retry. */
  failing: boolean;
  paymentId: string | null;
  attempts: number;
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  lastResponseStatus: number | null;
  lastError: string | null;
  sentAt: string | null;
  createdAt: string;
}

interface Row {
  id: string;
  kind: OutboxDeliveryView['kind'];
  status: OutboxDeliveryView['status'];
  subject_id: string | null;
  attempts: number;
  next_attempt_at: Date;
  last_attempt_at: Date | null;
  last_response_status: number | null;
  last_error: string | null;
  sent_at: Date | null;
  created_at: Date;
}

const toView = (r: Row): OutboxDeliveryView => ({
  id: r.id,
  kind: r.kind,
  status: r.status,
  failing: r.status === 'pending' && r.attempts > 0,
  paymentId: r.subject_id,
  attempts: r.attempts,
  nextAttemptAt: r.status === 'pending' ? r.next_attempt_at.toISOString() : null,
  lastAttemptAt: r.last_attempt_at?.toISOString() ?? null,
  lastResponseStatus: r.last_response_status,
  lastError: r.last_error,
  sentAt: r.sent_at?.toISOString() ?? null,
  createdAt: r.created_at.toISOString(),
});

const COLUMNS = ['id', 'kind', 'status', 'subject_id', 'attempts', 'next_attempt_at', 'last_attempt_at', 'last_response_status', 'last_error', 'sent_at', 'created_at'];

/** Read-only; newest first. `failing` = waiting for a retry after a failure; `dead` = gave up. */
export async function listOutboxDeliveries(
  scope: InstallationScope,
  options: { filter: DeliveryFilter; page: number; pageSize: number },
): Promise<{ deliveries: OutboxDeliveryView[]; page: number; pageSize: number; total: number }> {
  const filtered = () => {
    const q = scope.from('outbox');
    if (options.filter === 'failing') q.where('status', 'pending').andWhere('attempts', '>', 0);
    if (options.filter === 'dead') q.where('status', 'dead');
    return q;
  };
  const count = (await filtered().count({ n: '*' }).first()) as { n: unknown };
  const rows = (await filtered()
    .select(COLUMNS)
    .orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }])
    .limit(options.pageSize)
    .offset((options.page - 1) * options.pageSize)) as Row[];
  return { deliveries: rows.map(toView), page: options.page, pageSize: options.pageSize, total: toCount(count.n) };
}

/**
 * Makes a failing or dead delivery due now with a fresh retry schedule (attempts back to 0; the
 * audit entry keeps how many there were). OUTBOX_DELIVERY_NOT_RETRYABLE for sent ones; a delivery
 * being sent right now is left alone (idempotent: it is already being attempted).
 */
export async function retryOutboxDelivery(
  scope: InstallationScope,
  id: string,
  meta: { principal: Principal; ip?: string | undefined; requestId?: string | undefined },
  clock: Clock,
): Promise<OutboxDeliveryView> {
  return scope.transaction(async (trx) => {
    const row = (await trx.from('outbox').where({ id }).forUpdate().first(COLUMNS)) as Row | undefined;
    if (!row) throw new AppError('OUTBOX_DELIVERY_NOT_FOUND');
    if (row.status === 'sent' || row.status === 'stored') throw new AppError('OUTBOX_DELIVERY_NOT_RETRYABLE');
    if (row.status === 'sending') return toView(row);
    const now = clock.now();
    await trx.from('outbox').where({ id }).update({ status: 'pending', attempts: 0, next_attempt_at: now, updated_at: now });
    await recordAudit(
      trx,
      {
        actor: actorOf(meta.principal),
        action: 'outbox.retried',
        subjectType: 'outbox',
        subjectId: id,
        details: { kind: row.kind, previousStatus: row.status, previousAttempts: row.attempts, lastError: row.last_error },
        ip: meta.ip,
        requestId: meta.requestId,
      },
      clock,
    );
    return toView((await trx.from('outbox').where({ id }).first(COLUMNS)) as Row);
  });
}
