// Using a client's credit balance on an open invoice. Credit is money Settle already holds for the
// client (each unit belongs to the payment it came from), so applying it is an allocation of that
// payment (rule `credit`) plus a matching negative credit row — the payment's money stays accounted
// for. Credit is used oldest first.
import type { Clock } from '../clock';
import type { InstallationScope } from '../db/tenant-scope';
import { AppError } from '../http/app-error';
import { recordAudit, type AuditActor } from '../audit/record-audit';
import { creditSources, grantCredit, type CreditActor } from './client-credit';
import { lockOpenAmounts } from './apply-payment';
import { queueWriteBacks } from './queue-write-backs';
import { recomputeInvoices } from './recompute-invoices';

export interface ApplyCreditInput {
  clientId: string;
  invoiceId: string;
  /** Cents to apply; omitted: as much as the credit and the invoice allow. */
  amount?: number;
  actor: CreditActor;
  audit: AuditActor;
  ip?: string | undefined;
  requestId?: string | undefined;
}

export interface ApplyCreditResult {
  applied: number;
  invoiceId: string;
  paymentIds: string[];
}

/**
 * Applies credit to one invoice of the client, inside the caller's transaction: locks the client
 * (two tabs cannot spend the same credit), checks the invoice is the client's, open and in the
 * credit's currency, then allocates from the oldest credit first, recomputes the invoice, audits
 * (`credit.applied`) and queues one PSA write-back per payment whose money moved. Refuses with
 * CREDIT_INSUFFICIENT (asked for more than the balance), ALLOCATION_EXCEEDS_INVOICE (more than the
 * invoice's open amount) or ALLOCATION_INVOICE_INVALID. With no amount and nothing to apply it
 * returns applied 0 and changes nothing. Never calls Stripe.
 */
export async function applyCredit(scope: InstallationScope, input: ApplyCreditInput, clock: Clock): Promise<ApplyCreditResult> {
  // The client's credit is applied one at a time. NO KEY UPDATE, not UPDATE: a charge being recorded
  // for the same client holds the invoice's lock and needs only a KEY SHARE on the client (its
  // payment's foreign key); FOR UPDATE would wait on it while holding what it waits for (a deadlock
  // under concurrent "charge now" clicks, caught on PostgreSQL).
  const client = await scope.from('clients').where({ id: input.clientId }).forNoKeyUpdate().first('id');
  if (!client) throw new AppError('CLIENT_NOT_FOUND');
  const open = (await lockOpenAmounts(scope, [input.invoiceId], null)).get(input.invoiceId);
  if (!open || open.client_id !== input.clientId) throw new AppError('INVOICE_NOT_FOUND');
  if (open.status === 'void') throw new AppError('ALLOCATION_INVOICE_INVALID', { fields: [{ path: 'invoiceId', message: 'This invoice is void.' }] });
  const currency = open.currency.trim();
  const sources = (await creditSources(scope, input.clientId)).filter((s) => s.currency === currency);
  const balance = sources.reduce((s, c) => s + c.amount, 0);
  if (input.amount !== undefined) {
    if (input.amount > balance) throw new AppError('CREDIT_INSUFFICIENT', { fields: [{ path: 'amount', message: `The client has ${balance} (cents) of credit.` }] });
    if (input.amount > open.open) throw new AppError('ALLOCATION_EXCEEDS_INVOICE', { fields: [{ path: 'amount', message: `At most ${open.open} (cents) is open on this invoice.` }] });
  }
  const target = input.amount ?? Math.min(balance, open.open);
  if (target <= 0) return { applied: 0, invoiceId: input.invoiceId, paymentIds: [] };

  const now = clock.now();
  const paymentIds: string[] = [];
  let left = target;
  for (const source of sources) {
    if (left <= 0) break;
    const take = Math.min(source.amount, left);
    await scope.insert('allocations', {
      payment_id: source.paymentId, invoice_id: input.invoiceId, amount: take, currency, rule: 'credit', confidence: 1, state: 'applied',
      created_by_kind: input.actor.kind, created_by_id: input.actor.id, created_at: now,
    });
    await grantCredit(scope, { clientId: input.clientId, amount: -take, currency, reason: 'applied', paymentId: source.paymentId, invoiceId: input.invoiceId, actor: input.actor }, clock);
    paymentIds.push(source.paymentId);
    left -= take;
  }
  const recomputed = await recomputeInvoices(scope, [input.invoiceId], clock);
  await recordAudit(scope, { actor: input.audit, action: 'credit.applied', subjectType: 'invoice', subjectId: input.invoiceId, clientId: input.clientId, details: { amount: target, currency, payments: paymentIds }, ip: input.ip, requestId: input.requestId }, clock);
  const changed = [...paymentIds, ...recomputed.paymentsChanged];
  await queueWriteBacks(scope, changed, clock);
  return { applied: target, invoiceId: input.invoiceId, paymentIds: [...new Set(changed)] };
}

/**
 * For autopay: before charging an invoice, use the client's credit on it. Runs its own transaction.
 * Returns what is left to charge (0: the credit paid it; do not charge). Idempotent in effect: a
 * second call finds no credit or nothing open and changes nothing. Never charges anything.
 * Call it right before recording the charge attempt, and charge the returned amount.
 */
export async function applyCreditsBeforeAutopay(scope: InstallationScope, input: { clientId: string; invoiceId: string }, clock: Clock): Promise<{ applied: number; amountToCharge: number }> {
  return scope.transaction(async (tx) => {
    const result = await applyCredit(tx, { clientId: input.clientId, invoiceId: input.invoiceId, actor: { kind: 'system', id: null }, audit: { type: 'system', id: null, label: 'autopay' } }, clock);
    const open = (await lockOpenAmounts(tx, [input.invoiceId], null)).get(input.invoiceId);
    return { applied: result.applied, amountToCharge: open?.open ?? 0 };
  });
}
