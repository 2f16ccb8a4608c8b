// Applying a received payment's money: allocations to invoices (each with the rule that chose it
// and a confidence), the rest to the client's credit balance, and underpayments accepted within
// tolerance as write-offs. Every path that places money — a technician's split, the matching
// engine, an exception resolved, a suggestion applied — goes through applyPayment, so the same
// checks hold everywhere: never more than the payment's unapplied money, never more than an
// invoice's open amount, only the payment's own client's invoices, one currency.
import type { Clock } from '../clock';
import type { InstallationScope } from '../db/tenant-scope';
import { AppError, type FieldError } from '../http/app-error';
import { grantCredit, type CreditActor } from './client-credit';
import { paymentPosition } from './payment-position';
import { recomputeInvoices } from './recompute-invoices';

export interface AllocationInput {
  invoiceId: string;
  amount: number;
  rule: string;
  confidence: number;
}

export interface WriteOffInput {
  invoiceId: string;
  amount: number;
  rule: string;
}

export interface ApplyPaymentInput {
  paymentId: string;
  allocations: readonly AllocationInput[];
  writeOffs?: readonly WriteOffInput[];
  /** Put on the client's credit balance (reason `unallocated` for a person's choice, `overpayment` for the engine's remainder). */
  credit?: { amount: number; reason: 'overpayment' | 'unallocated' };
  /** Where the input came from, for error field paths (`allocations`, `splits`). */
  fieldName?: string;
  actor: CreditActor;
}

export interface ApplyPaymentResult {
  invoiceIds: string[];
  /** Payments whose allocations changed (this one and any whose overpayment moved to credit). */
  paymentIds: string[];
}

interface InvoiceOpen {
  id: string;
  client_id: string;
  currency: string;
  status: string;
  amount_remaining: number | string;
  in_flight: number | string;
}

/**
 * What can still be allocated to each invoice: its remaining amount minus money already in flight
 * for it from other payments (a portal or autopay split waiting for Stripe). Locks the invoices.
 */
export async function lockOpenAmounts(scope: InstallationScope, invoiceIds: readonly string[], exceptPaymentId: string | null): Promise<Map<string, InvoiceOpen & { open: number }>> {
  const ids = [...new Set(invoiceIds)];
  if (ids.length === 0) return new Map();
  const rows = (
    (await scope.db.raw(
      `select i.id, i.client_id, i.currency, i.status, i.amount_remaining,
              coalesce((select sum(a.amount) from allocations a where a.installation_id = i.installation_id and a.invoice_id = i.id
                        and a.state = 'pending' and a.payment_id is distinct from ?), 0) as in_flight
         from invoices i where i.installation_id = ? and i.id in (${ids.map(() => '?').join(', ')}) order by i.id for update`,
      [exceptPaymentId, scope.installationId, ...ids],
    )) as { rows: InvoiceOpen[] }
  ).rows;
  return new Map(rows.map((r) => [r.id, { ...r, open: r.status === 'void' ? 0 : Math.max(Number(r.amount_remaining) - Number(r.in_flight), 0) }]));
}

/**
 * Validates and writes one placement of a payment's money, then recomputes the invoices it touched.
 * Refuses (AppError, nothing written) amounts that are not positive integers, more than the payment's
 * unapplied money (ALLOCATION_EXCEEDS_PAYMENT), more than an invoice's open amount
 * (ALLOCATION_EXCEEDS_INVOICE), invoices of another client, void or in another currency
 * (ALLOCATION_INVOICE_INVALID), or a payment that has not succeeded or has no client. Call inside a
 * transaction; the caller queues the PSA write-back for the returned payments (once per change).
 * Not idempotent on its own: callers guard with the payment's reconciled_at or the exception state.
 */
export async function applyPayment(scope: InstallationScope, input: ApplyPaymentInput, clock: Clock): Promise<ApplyPaymentResult> {
  const field = input.fieldName ?? 'allocations';
  const position = await paymentPosition(scope, input.paymentId, { lock: true });
  if (position.status !== 'succeeded') throw new AppError('PAYMENT_NOT_SETTLED');
  if (!position.clientId) throw new AppError('PAYMENT_CLIENT_REQUIRED');
  const writeOffs = input.writeOffs ?? [];
  const credit = input.credit?.amount ?? 0;
  const fields: FieldError[] = [];
  input.allocations.forEach((a, i) => {
    if (!Number.isSafeInteger(a.amount) || a.amount <= 0) fields.push({ path: `${field}.${i}.amount`, message: 'Use a whole number of cents above zero.' });
  });
  writeOffs.forEach((w, i) => {
    if (!Number.isSafeInteger(w.amount) || w.amount <= 0) fields.push({ path: `writeOffs.${i}.amount`, message: 'Use a whole number of cents above zero.' });
  });
  if (!Number.isSafeInteger(credit) || credit < 0) fields.push({ path: 'credit', message: 'Use a whole number of cents, zero or more.' });
  if (fields.length) throw new AppError('VALIDATION_FAILED', { fields });

  const total = input.allocations.reduce((s, a) => s + a.amount, 0) + credit;
  if (total > position.unapplied) {
    throw new AppError('ALLOCATION_EXCEEDS_PAYMENT', {
      message: `That places ${total} but only ${position.unapplied} of this payment is still unapplied (amounts in cents).`,
      fields: [{ path: field, message: 'The amounts add up to more than the payment has left.' }],
    });
  }
  const open = await lockOpenAmounts(scope, [...input.allocations.map((a) => a.invoiceId), ...writeOffs.map((w) => w.invoiceId)], input.paymentId);
  const wanted = new Map<string, number>();
  const check = (invoiceId: string, amount: number, path: string) => {
    const inv = open.get(invoiceId);
    if (!inv || inv.client_id !== position.clientId) {
      fields.push({ path, message: 'This invoice is not one of the payment’s client’s invoices.' });
      return;
    }
    if (inv.status === 'void' || inv.currency.trim() !== position.currency) {
      fields.push({ path, message: inv.status === 'void' ? 'This invoice is void.' : 'This invoice is in another currency.' });
      return;
    }
    const sum = (wanted.get(invoiceId) ?? 0) + amount;
    wanted.set(invoiceId, sum);
    if (sum > inv.open) fields.push({ path, message: `At most ${inv.open} (cents) is open on this invoice.` });
  };
  input.allocations.forEach((a, i) => check(a.invoiceId, a.amount, `${field}.${i}.amount`));
  writeOffs.forEach((w, i) => check(w.invoiceId, w.amount, `writeOffs.${i}.amount`));
  if (fields.length) {
    const invalid = fields.some((f) => !f.message.startsWith('At most'));
    throw new AppError(invalid ? 'ALLOCATION_INVOICE_INVALID' : 'ALLOCATION_EXCEEDS_INVOICE', { fields });
  }

  const now = clock.now();
  if (input.allocations.length) {
    await scope.insert(
      'allocations',
      input.allocations.map((a) => ({
        payment_id: input.paymentId,
        invoice_id: a.invoiceId,
        amount: a.amount,
        currency: position.currency,
        rule: a.rule,
        confidence: Math.min(Math.max(a.confidence, 0), 1),
        state: 'applied',
        created_by_kind: input.actor.kind,
        created_by_id: input.actor.id,
        created_at: now,
      })),
    );
  }
  if (writeOffs.length) {
    await scope.insert('invoice_write_offs', writeOffs.map((w) => ({ payment_id: input.paymentId, invoice_id: w.invoiceId, amount: w.amount, currency: position.currency, rule: w.rule, created_at: now })));
  }
  if (credit > 0) {
    await grantCredit(scope, { clientId: position.clientId, amount: credit, currency: position.currency, reason: input.credit!.reason, paymentId: input.paymentId, actor: input.actor }, clock);
  }
  await scope.from('payments').where({ id: input.paymentId }).whereNull('reconciled_at').update({ reconciled_at: now, updated_at: now });
  const invoiceIds = [...new Set([...input.allocations.map((a) => a.invoiceId), ...writeOffs.map((w) => w.invoiceId)])];
  const recomputed = await recomputeInvoices(scope, invoiceIds, clock);
  return { invoiceIds, paymentIds: [...new Set([input.paymentId, ...recomputed.paymentsChanged])] };
}
