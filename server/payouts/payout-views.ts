// Payouts as the technician UI and the accountant's CSV see them: the payout with its totals, and
// each balance transaction it settled with the client, the Settle payment and the invoices that
// payment paid. Read-only.
import type { InstallationScope } from '../db/tenant-scope';
import { AppError } from '../http/app-error';

export interface PayoutSummaryView {
  id: string;
  stripePayoutId: string;
  status: string;
  currency: string;
  amount: number;
  arrivalDate: string | null;
  createdAt: string;
  gross: number;
  fees: number;
  refunds: number;
  disputes: number;
  other: number;
  net: number;
  transactionCount: number;
  imported: boolean;
}

export interface PayoutTransactionView {
  id: string;
  stripeBalanceTransactionId: string;
  type: string;
  reportingCategory: string;
  amount: number;
  fee: number;
  net: number;
  currency: string;
  createdAt: string;
  sourceId: string | null;
  description: string | null;
  paymentId: string | null;
  clientId: string | null;
  clientName: string | null;
  invoiceNumbers: string[];
}

export interface DateRange {
  /** YYYY-MM-DD, inclusive, in the installation's timezone (arrival date). */
  from?: string | undefined;
  to?: string | undefined;
}

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);

function toSummary(r: Record<string, unknown>): PayoutSummaryView {
  return {
    id: String(r.id),
    stripePayoutId: String(r.stripe_payout_id),
    status: String(r.status),
    currency: String(r.currency).trim(),
    amount: Number(r.amount),
    arrivalDate: iso(r.arrival_date as Date | null),
    createdAt: iso(r.stripe_created_at as Date)!,
    gross: Number(r.gross),
    fees: Number(r.fees),
    refunds: Number(r.refunds),
    disputes: Number(r.disputes),
    other: Number(r.other),
    net: Number(r.net),
    transactionCount: Number(r.transaction_count),
    imported: r.imported_at !== null,
  };
}

/** Payouts arriving in the range, newest first (at most 500). */
export async function listPayouts(scope: InstallationScope, range: DateRange): Promise<PayoutSummaryView[]> {
  const inst = (await scope.db('installations').where({ id: scope.installationId }).first('timezone')) as { timezone: string };
  const q = scope.from('payouts');
  if (range.from) q.whereRaw('(payouts.arrival_date at time zone ?)::date >= ?::date', [inst.timezone, range.from]);
  if (range.to) q.whereRaw('(payouts.arrival_date at time zone ?)::date <= ?::date', [inst.timezone, range.to]);
  const rows = (await q.orderBy([{ column: 'payouts.arrival_date', order: 'desc' }, { column: 'payouts.id', order: 'desc' }]).limit(500).select('payouts.*')) as Array<Record<string, unknown>>;
  return rows.map(toSummary);
}

/** The balance transactions of these payouts, oldest first within each payout. */
export async function payoutTransactions(scope: InstallationScope, payoutIds: string[]): Promise<Map<string, PayoutTransactionView[]>> {
  const out = new Map<string, PayoutTransactionView[]>(payoutIds.map((id) => [id, []]));
  if (payoutIds.length === 0) return out;
  const rows = (await scope
    .from('payout_transactions')
    .leftJoin('payments as p', (j) => j.on('p.installation_id', 'payout_transactions.installation_id').andOn('p.id', 'payout_transactions.payment_id'))
    .leftJoin('clients as c', (j) => j.on('c.installation_id', 'p.installation_id').andOn('c.id', 'p.client_id'))
    .whereIn('payout_transactions.payout_id', payoutIds)
    .orderBy([{ column: 'payout_transactions.stripe_created_at' }, { column: 'payout_transactions.stripe_balance_transaction_id' }])
    .select('payout_transactions.*', 'p.client_id', 'c.name as client_name')) as Array<Record<string, unknown>>;
  const paymentIds = [...new Set(rows.map((r) => r.payment_id as string | null).filter((x): x is string => x !== null))];
  const invoices = paymentIds.length
    ? ((await scope
        .from('allocations')
        .join('invoices as i', (j) => j.on('i.installation_id', 'allocations.installation_id').andOn('i.id', 'allocations.invoice_id'))
        .whereIn('allocations.payment_id', paymentIds)
        .whereIn('allocations.state', ['applied', 'reversed'])
        .distinct('allocations.payment_id', 'i.number')) as Array<{ payment_id: string; number: string }>)
    : [];
  for (const r of rows) {
    out.get(String(r.payout_id))!.push({
      id: String(r.id),
      stripeBalanceTransactionId: String(r.stripe_balance_transaction_id),
      type: String(r.type),
      reportingCategory: String(r.reporting_category),
      amount: Number(r.amount),
      fee: Number(r.fee),
      net: Number(r.net),
      currency: String(r.currency).trim(),
      createdAt: iso(r.stripe_created_at as Date)!,
      sourceId: (r.source_id as string | null) ?? null,
      description: (r.description as string | null) ?? null,
      paymentId: (r.payment_id as string | null) ?? null,
      clientId: (r.client_id as string | null) ?? null,
      clientName: (r.client_name as string | null) ?? null,
      invoiceNumbers: invoices.filter((i) => i.payment_id === r.payment_id).map((i) => i.number).sort(),
    });
  }
  return out;
}

export async function getPayout(scope: InstallationScope, id: string): Promise<{ payout: PayoutSummaryView; transactions: PayoutTransactionView[] }> {
  const row = (await scope.from('payouts').where({ id }).first()) as Record<string, unknown> | undefined;
  if (!row) throw new AppError('PAYOUT_NOT_FOUND');
  return { payout: toSummary(row), transactions: (await payoutTransactions(scope, [id])).get(id)! };
}
