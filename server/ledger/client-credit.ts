// The client credit balance is a signed ledger (client_credits): + when money is set aside for the
// client (an overpayment, a payment moved to credit, a refund that failed after all), − when credit
// is used (applied to an invoice, refunded, taken by a lost dispute). Every row names the payment
// whose money it is, so each payment's money is always accounted for:
//   payment amount = applied allocations + its credit + refunds + lost disputes (+ what is still
//   unapplied while it waits in the exceptions queue).
import type { Clock } from '../clock';
import type { InstallationScope } from '../db/tenant-scope';

export type CreditReason = 'overpayment' | 'unallocated' | 'refund_failed' | 'applied' | 'refunded' | 'disputed';

export interface CreditActor {
  kind: 'staff' | 'system';
  id: string | null;
}

export interface GrantCreditInput {
  clientId: string;
  /** Signed: positive adds credit, negative uses it. */
  amount: number;
  currency: string;
  reason: CreditReason;
  paymentId: string;
  invoiceId?: string | null;
  actor: CreditActor | null;
}

/** Appends one credit ledger row. Call inside the change's transaction. Not idempotent by itself. */
export async function grantCredit(scope: InstallationScope, input: GrantCreditInput, clock: Clock): Promise<void> {
  if (input.amount === 0) return;
  await scope.insert('client_credits', {
    client_id: input.clientId,
    amount: input.amount,
    currency: input.currency,
    reason: input.reason,
    payment_id: input.paymentId,
    invoice_id: input.invoiceId ?? null,
    created_by_kind: input.actor?.kind ?? 'system',
    created_by_id: input.actor?.id ?? null,
    created_at: clock.now(),
  });
}

export interface CreditSource {
  paymentId: string;
  amount: number;
  currency: string;
  since: Date;
}

/** The client's available credit per payment it came from, oldest first (the order credit is used in). Read-only. */
export async function creditSources(scope: InstallationScope, clientId: string): Promise<CreditSource[]> {
  const rows = (await scope
    .from('client_credits')
    .where({ client_id: clientId })
    .whereNotNull('payment_id')
    .groupBy('payment_id', 'currency')
    .havingRaw('sum(amount) > 0')
    .select('payment_id', 'currency')
    .sum({ amount: 'amount' })
    .min({ since: 'created_at' })) as Array<{ payment_id: string; currency: string; amount: number | string; since: Date }>;
  return rows
    .map((r) => ({ paymentId: r.payment_id, amount: Number(r.amount), currency: r.currency.trim(), since: new Date(r.since) }))
    .sort((a, b) => a.since.getTime() - b.since.getTime() || a.paymentId.localeCompare(b.paymentId));
}

/** The credit still held for one payment (never negative). Read-only. */
export async function creditOfPayment(scope: InstallationScope, paymentId: string): Promise<number> {
  const [row] = (await scope.from('client_credits').where({ payment_id: paymentId }).sum({ total: 'amount' })) as Array<{ total: number | string | null }>;
  return Number(row?.total ?? 0);
}

export interface CreditEntry {
  id: number;
  amount: number;
  currency: string;
  reason: CreditReason;
  paymentId: string | null;
  invoiceId: string | null;
  invoiceNumber: string | null;
  createdAt: string;
}

/** Balance and the latest entries of a client's credit ledger. Read-only. */
export async function getClientCredit(scope: InstallationScope, clientId: string, currency: string): Promise<{ balance: number; currency: string; entries: CreditEntry[] }> {
  const [sum] = (await scope.from('client_credits').where({ client_id: clientId, currency }).sum({ total: 'amount' })) as Array<{ total: number | string | null }>;
  const rows = (await scope
    .from('client_credits')
    .leftJoin('invoices as i', (j) => j.on('i.installation_id', 'client_credits.installation_id').andOn('i.id', 'client_credits.invoice_id'))
    .where('client_credits.client_id', clientId)
    .orderBy([{ column: 'client_credits.created_at', order: 'desc' }, { column: 'client_credits.id', order: 'desc' }])
    .limit(50)
    .select('client_credits.id', 'client_credits.amount', 'client_credits.currency', 'client_credits.reason', 'client_credits.payment_id', 'client_credits.invoice_id', 'i.number', 'client_credits.created_at')) as Array<{
    id: number | string;
    amount: number | string;
    currency: string;
    reason: CreditReason;
    payment_id: string | null;
    invoice_id: string | null;
    number: string | null;
    created_at: Date;
  }>;
  return {
    balance: Number(sum?.total ?? 0),
    currency,
    entries: rows.map((r) => ({
      id: Number(r.id),
      amount: Number(r.amount),
      currency: r.currency.trim(),
      reason: r.reason,
      paymentId: r.payment_id,
      invoiceId: r.invoice_id,
      invoiceNumber: r.number,
      createdAt: new Date(r.created_at).toISOString(),
    })),
  };
}
