// What a technician can do with a payment in the exceptions queue. Each action runs in one
// transaction that locks the exception (a second tab gets EXCEPTION_RESOLVED), places the money
// through applyPayment (the same checks as everywhere), audits, and queues one PSA write-back.
//   apply a suggestion  — the suggested client's suggested invoices, oldest first, rest to credit;
//   split               — the technician's amounts per invoice, rest to credit;
//   move to credit      — all of it to the client's credit balance;
//   assign to a client  — sets the payer, then the rules run again for that client: certain →
//                         applied (resolved); uncertain → the exception stays, with the client set.
import { recordAudit, type AuditActor } from '../audit/record-audit';
import type { Clock } from '../clock';
import type { InstallationScope } from '../db/tenant-scope';
import { AppError } from '../http/app-error';
import { applyPayment, lockOpenAmounts } from './apply-payment';
import { paymentPosition } from './payment-position';
import { queueWriteBacks } from './queue-write-backs';
import { reconcilePayment, type Matcher, type StoredSuggestion } from './reconcile-payment';

export type ExceptionAction =
  | { kind: 'apply_suggestion'; index: number }
  | { kind: 'split'; clientId?: string | undefined; splits: Array<{ invoiceId: string; amount: number }> }
  | { kind: 'credit'; clientId?: string | undefined }
  | { kind: 'assign'; clientId: string };

export interface ResolveExceptionOptions {
  staffId: string;
  audit: AuditActor;
  matcher: Matcher;
  ip?: string | undefined;
  requestId?: string | undefined;
}

export interface ResolveExceptionResult {
  exceptionId: string;
  status: 'open' | 'resolved';
  paymentId: string;
}

interface ExceptionRow {
  id: string;
  payment_id: string;
  status: string;
  suggestions: StoredSuggestion[] | string;
}

async function setClient(scope: InstallationScope, paymentId: string, current: string | null, clientId: string, clock: Clock): Promise<void> {
  if (current === clientId) return;
  if (current !== null) throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'clientId', message: 'This payment already belongs to another client.' }] });
  if (!(await scope.from('clients').where({ id: clientId }).first('id'))) throw new AppError('CLIENT_NOT_FOUND');
  await scope.from('payments').where({ id: paymentId }).update({ client_id: clientId, updated_at: clock.now() });
}

/**
 * Performs one action on an open exception (see the file comment). Not idempotent by design: the
 * exception is resolved by the first action, and any later one is refused with EXCEPTION_RESOLVED
 * and changes nothing. Invalid amounts are refused with applyPayment's codes, nothing changed.
 * Never calls Stripe.
 */
export async function resolveException(scope: InstallationScope, exceptionId: string, action: ExceptionAction, options: ResolveExceptionOptions, clock: Clock): Promise<ResolveExceptionResult> {
  return scope.transaction(async (tx) => {
    const row = (await tx.from('reconciliation_exceptions').where({ id: exceptionId }).forUpdate().first('id', 'payment_id', 'status', 'suggestions')) as ExceptionRow | undefined;
    if (!row) throw new AppError('EXCEPTION_NOT_FOUND');
    if (row.status !== 'open') throw new AppError('EXCEPTION_RESOLVED');
    const payment = await paymentPosition(tx, row.payment_id, { lock: true });
    const actor = { kind: 'staff' as const, id: options.staffId };
    const now = clock.now();
    let changed: string[] = [row.payment_id];
    let status: 'open' | 'resolved' = 'resolved';
    let details: Record<string, unknown>;

    switch (action.kind) {
      case 'apply_suggestion': {
        const suggestions = (typeof row.suggestions === 'string' ? JSON.parse(row.suggestions) : row.suggestions) as StoredSuggestion[];
        const s = suggestions[action.index];
        if (!s) throw new AppError('SUGGESTION_NOT_FOUND');
        await setClient(tx, row.payment_id, payment.clientId, s.client_id, clock);
        const open = await lockOpenAmounts(tx, s.invoice_ids, row.payment_id);
        const invoices = (await tx.from('invoices').whereIn('id', s.invoice_ids).orderBy([{ column: 'issued_at' }, { column: 'number' }]).select('id')) as Array<{ id: string }>;
        let left = payment.unapplied;
        const allocations = [];
        for (const inv of invoices) {
          const take = Math.min(open.get(inv.id)?.open ?? 0, left);
          if (take <= 0) continue;
          allocations.push({ invoiceId: inv.id, amount: take, rule: 'suggestion', confidence: Math.min(Math.max(s.score, 0), 1) });
          left -= take;
        }
        const result = await applyPayment(tx, { paymentId: row.payment_id, allocations, credit: { amount: left, reason: 'overpayment' }, actor }, clock);
        changed = result.paymentIds;
        details = { suggestion: s, allocations, credit: left };
        break;
      }
      case 'split': {
        if (action.clientId) await setClient(tx, row.payment_id, payment.clientId, action.clientId, clock);
        const total = action.splits.reduce((sum, x) => sum + x.amount, 0);
        const allocations = action.splits.map((x) => ({ invoiceId: x.invoiceId, amount: x.amount, rule: 'manual', confidence: 1 }));
        const result = await applyPayment(tx, { paymentId: row.payment_id, allocations, credit: { amount: Math.max(payment.unapplied - total, 0), reason: 'unallocated' }, fieldName: 'splits', actor }, clock);
        changed = result.paymentIds;
        details = { splits: action.splits, credit: Math.max(payment.unapplied - total, 0) };
        break;
      }
      case 'credit': {
        if (action.clientId) await setClient(tx, row.payment_id, payment.clientId, action.clientId, clock);
        const result = await applyPayment(tx, { paymentId: row.payment_id, allocations: [], credit: { amount: payment.unapplied, reason: 'unallocated' }, actor }, clock);
        changed = result.paymentIds;
        details = { credit: payment.unapplied };
        break;
      }
      case 'assign': {
        await setClient(tx, row.payment_id, payment.clientId, action.clientId, clock);
        const result = await reconcilePayment(tx, row.payment_id, { matcher: options.matcher, actor, rerun: true }, clock);
        changed = [row.payment_id, ...result.paymentIds];
        status = result.outcome === 'allocated' ? 'resolved' : 'open';
        details = { clientId: action.clientId, rerun: result.outcome };
        break;
      }
      default: {
        const never: never = action;
        throw new Error(`unknown exception action ${JSON.stringify(never)}`);
      }
    }
    if (status === 'resolved') {
      await tx.from('reconciliation_exceptions').where({ id: row.id }).update({ status: 'resolved', resolution: action.kind, resolved_by: options.staffId, resolved_at: now, updated_at: now });
    }
    const after = (await tx.from('payments').where({ id: row.payment_id }).first('client_id')) as { client_id: string | null };
    await recordAudit(tx, { actor: options.audit, action: `exception.${action.kind}`, subjectType: 'payment', subjectId: row.payment_id, clientId: after.client_id, details: { exceptionId: row.id, status, ...details }, ip: options.ip, requestId: options.requestId }, clock);
    await queueWriteBacks(tx, changed, clock);
    return { exceptionId: row.id, status, paymentId: row.payment_id };
  });
}
