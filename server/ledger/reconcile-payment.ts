// The database side of the matching engine. The engine (server/reconciliation/, pure) sees JSON
// exactly as the `reconcile` CLI does; this adapter builds that input for one payment from the
// ledger — the payment's unapplied money, its client's open invoices (or every client's when the
// payer is unknown) with what is still open on each — and writes the answer: certain → applied with
// the engine's rule and confidence (through applyPayment, which checks it again); uncertain → one
// row in the exceptions queue with ranked suggestions. A guess is never applied silently.
import type { Clock } from '../clock';
import type { InstallationScope } from '../db/tenant-scope';
import { AppError } from '../http/app-error';
import { resolveSettings } from '../installations/installation-settings';
import { applyPayment } from './apply-payment';
import type { CreditActor } from './client-credit';
import { describeExceptionReason } from './exception-reasons';
import { paymentPosition } from './payment-position';
import { reconcile, type ReconcileInput, type ReconcileOutput } from '../reconciliation/reconcile';

export type Matcher = (input: ReconcileInput) => ReconcileOutput;

/** The engine Settle runs (tests may pass another Matcher only to provoke edge cases). */
export const defaultMatcher: Matcher = reconcile;

export interface ReconcilePaymentOptions {
  matcher: Matcher;
  actor: CreditActor;
  /** Run even though an exception is open (a person assigned the client and asked to try again). */
  rerun?: boolean;
}

export interface ReconcilePaymentResult {
  outcome: 'allocated' | 'exception' | 'already' | 'not_settled';
  paymentIds: string[];
}

/** The engine's input for one payment of `amount` (its unapplied money). Read-only. */
export async function buildReconcileInput(scope: InstallationScope, payment: { id: string; clientId: string | null; currency: string; amount: number }): Promise<ReconcileInput> {
  const p = (await scope.from('payments').where({ id: payment.id }).first('payer_name', 'payer_email', 'received_at', 'created_at', 'reference')) as { payer_name: string | null; payer_email: string | null; received_at: Date | null; created_at: Date; reference: string | null };
  const clientQuery = scope.from('clients').whereNot('mapping_status', 'ignored').orderBy('id').select('id', 'name', 'email');
  const clients = (await (payment.clientId ? scope.from('clients').where({ id: payment.clientId }).select('id', 'name', 'email') : clientQuery)) as Array<{ id: string; name: string; email: string | null }>;
  const invoiceRows = (
    (await scope.db.raw(
      `select i.id, i.client_id, i.number, i.currency, i.issued_at, i.due_date,
              i.amount_remaining - coalesce((select sum(a.amount) from allocations a where a.installation_id = i.installation_id and a.invoice_id = i.id and a.state = 'pending'), 0) as amount_due
         from invoices i
        where i.installation_id = ? and i.currency = ?
          ${payment.clientId ? "and i.client_id = ? and i.status <> 'void'" : "and i.status in ('open', 'partially_paid') and i.amount_remaining > 0"}
        order by i.id`,
      payment.clientId ? [scope.installationId, payment.currency, payment.clientId] : [scope.installationId, payment.currency],
    )) as { rows: Array<{ id: string; client_id: string; number: string; currency: string; issued_at: string; due_date: string; amount_due: number | string }> }
  ).rows;
  const inst = (await scope.db('installations').where({ id: scope.installationId }).first('settings')) as { settings: unknown };
  return {
    clients,
    // A known client's paid invoices are included with nothing due, so a reference to one is
    // recognized (a likely duplicate payment) instead of looking like an unknown number.
    invoices: invoiceRows.map((r) => ({ id: r.id, client_id: r.client_id, number: r.number, currency: r.currency.trim(), amount_due: Math.max(Number(r.amount_due), 0), issued_at: String(r.issued_at), due_date: String(r.due_date) })),
    payments: [
      {
        id: payment.id,
        client_id: payment.clientId,
        payer_name: p.payer_name,
        payer_email: p.payer_email,
        currency: payment.currency,
        amount: payment.amount,
        received_at: new Date(p.received_at ?? p.created_at).toISOString(),
        reference: p.reference,
      },
    ],
    settings: { underpayment_tolerance: resolveSettings(inst.settings).underpaymentTolerance },
  };
}

/**
 * Runs the engine for one payment inside the caller's transaction and records the result.
 * Idempotent by payment: a payment already reconciled (or waiting in the queue, unless `rerun`)
 * is left alone, so re-running reconciliation changes nothing. Never calls Stripe; the caller
 * queues the PSA write-back for the returned payments.
 */
export async function reconcilePayment(scope: InstallationScope, paymentId: string, options: ReconcilePaymentOptions, clock: Clock): Promise<ReconcilePaymentResult> {
  const position = await paymentPosition(scope, paymentId, { lock: true });
  if (position.status !== 'succeeded') return { outcome: 'not_settled', paymentIds: [] };
  const open = (await scope.from('reconciliation_exceptions').where({ payment_id: paymentId }).first('id', 'status')) as { id: string; status: string } | undefined;
  if (position.reconciledAt || (open && !options.rerun) || position.unapplied <= 0) return { outcome: 'already', paymentIds: [] };

  const input = await buildReconcileInput(scope, { id: paymentId, clientId: position.clientId, currency: position.currency, amount: position.unapplied });
  const output = options.matcher(input);
  const mine = <T extends { payment_id: string | number }>(rows: T[]) => rows.filter((r) => String(r.payment_id) === paymentId);
  const exception = mine(output.exceptions)[0];
  const allocations = mine(output.allocations);
  const credits = mine(output.credits);
  const writeOffs = mine(output.write_offs);
  if (exception || (allocations.length === 0 && credits.length === 0)) {
    const suggestions = (exception?.suggestions ?? []).map((g) => ({ client_id: String(g.client_id), invoice_ids: g.invoice_ids.map(String), score: g.score }));
    await recordException(scope, { paymentId, clientId: position.clientId, reason: exception?.reason ?? 'no_match', suggestions }, clock);
    return { outcome: 'exception', paymentIds: [] };
  }
  const invoiceClient = new Map(input.invoices.map((i) => [String(i.id), String(i.client_id)]));
  const clientIds = new Set([...allocations.map((a) => invoiceClient.get(String(a.invoice_id))), ...credits.map((c) => String(c.client_id))]);
  const clientId = clientIds.size === 1 ? [...clientIds][0] : undefined;
  if (!clientId || (position.clientId && clientId !== position.clientId)) {
    await recordException(scope, { paymentId, clientId: position.clientId, reason: 'ambiguous_client', suggestions: [] }, clock);
    return { outcome: 'exception', paymentIds: [] };
  }
  try {
    // A savepoint: if the engine's answer no longer fits the ledger, nothing of it is kept and a
    // person decides instead.
    return await scope.transaction(async (sp) => {
      if (!position.clientId) await sp.from('payments').where({ id: paymentId }).update({ client_id: clientId, updated_at: clock.now() });
      const result = await applyPayment(
        sp,
        {
          paymentId,
          allocations: allocations.map((a) => ({ invoiceId: String(a.invoice_id), amount: a.amount, rule: a.rule, confidence: a.confidence })),
          writeOffs: writeOffs.map((w) => ({ invoiceId: String(w.invoice_id), amount: w.amount, rule: 'tolerance' })),
          credit: { amount: credits.reduce((s, c) => s + c.amount, 0), reason: 'overpayment' },
          actor: options.actor,
        },
        clock,
      );
      if (open) await sp.from('reconciliation_exceptions').where({ id: open.id, status: 'open' }).update({ status: 'resolved', resolution: 'matched', resolved_at: clock.now(), updated_at: clock.now() });
      return { outcome: 'allocated' as const, paymentIds: result.paymentIds };
    });
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    await recordException(scope, { paymentId, clientId: position.clientId, reason: 'match_no_longer_fits', suggestions: [] }, clock);
    return { outcome: 'exception', paymentIds: [] };
  }
}

/** Opens (or refreshes, while open) the payment's exception. */
export interface StoredSuggestion {
  client_id: string;
  invoice_ids: string[];
  score: number;
}

async function recordException(scope: InstallationScope, e: { paymentId: string; clientId: string | null; reason: string; suggestions: StoredSuggestion[] }, clock: Clock): Promise<void> {
  const now = clock.now();
  const ranked = [...e.suggestions].sort((a, b) => b.score - a.score).slice(0, 10);
  const row = { client_id: e.clientId, reason_code: e.reason, reason: describeExceptionReason(e.reason), suggestions: JSON.stringify(ranked), updated_at: now };
  const updated = (await scope.from('reconciliation_exceptions').where({ payment_id: e.paymentId, status: 'open' }).update(row).returning('id')) as unknown[];
  if (updated.length === 0) {
    await scope.insert('reconciliation_exceptions', { ...row, payment_id: e.paymentId, status: 'open', created_at: now }).onConflict(['installation_id', 'payment_id']).ignore();
  }
}
