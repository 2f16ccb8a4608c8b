// How a payment looks to the client: status in plain words that never overstate (processing is
// not paid), the invoices it pays, and for a failure the reason and the next step.
import type { DbOrTrx } from '../db/database';
import { explainFailure, type FailureExplanation } from '../payments/failure-reasons';
import type { PaymentStatus } from '../payments/map-payment-intent-status';

export interface PaymentView {
  id: string;
  status: PaymentStatus;
  amount: number;
  currency: string;
  methodType: 'card' | 'us_bank_account' | null;
  methodLabel: string | null;
  invoices: Array<{ id: string; number: string; amount: number }>;
  createdAt: string;
  succeededAt: string | null;
  statusText: string;
  failure: (FailureExplanation & { code: string | null }) | null;
  receiptAvailable: boolean;
}

export interface PaymentRow {
  id: string;
  client_id: string | null;
  source: string;
  status: PaymentStatus;
  amount: number;
  currency: string;
  method_type: 'card' | 'us_bank_account' | null;
  method_label: string | null;
  payment_method_id: string | null;
  stripe_payment_intent_id: string | null;
  idempotency_key: string | null;
  failure_code: string | null;
  decline_code: string | null;
  failure_message: string | null;
  created_at: Date;
  succeeded_at: Date | null;
}

export const PAYMENT_COLUMNS = [
  'id', 'client_id', 'source', 'status', 'amount', 'currency', 'method_type', 'method_label', 'payment_method_id',
  'stripe_payment_intent_id', 'idempotency_key', 'failure_code', 'decline_code', 'failure_message', 'created_at', 'succeeded_at',
];

export const ACH_PROCESSING_TEXT = 'Processing — bank payments usually take 4 business days to clear. The invoice is marked paid once the bank confirms.';

function statusText(row: PaymentRow, failed: boolean): string {
  switch (row.status) {
    case 'succeeded':
      return 'Paid';
    case 'processing':
      return row.method_type === 'us_bank_account' ? ACH_PROCESSING_TEXT : 'Processing — this usually takes a moment.';
    case 'requires_action':
      return 'Waiting for you to confirm the payment with your bank.';
    case 'pending':
      return 'Not submitted yet.';
    case 'failed':
      return 'Failed';
    case 'canceled':
      return failed ? 'Failed' : 'Canceled';
  }
}

/** The allocations (split) of payments, with invoice numbers. */
async function splitsOf(db: DbOrTrx, installationId: string, paymentIds: string[]): Promise<Map<string, PaymentView['invoices']>> {
  const out = new Map<string, PaymentView['invoices']>();
  if (paymentIds.length === 0) return out;
  const rows = (await db('allocations as a')
    .join('invoices as i', (j) => j.on('i.installation_id', 'a.installation_id').andOn('i.id', 'a.invoice_id'))
    .where('a.installation_id', installationId)
    .whereIn('a.payment_id', paymentIds)
    .orderBy('i.number')
    .select('a.payment_id', 'a.invoice_id', 'i.number', 'a.amount')) as Array<{ payment_id: string; invoice_id: string; number: string; amount: number }>;
  for (const r of rows) {
    const list = out.get(r.payment_id) ?? [];
    list.push({ id: r.invoice_id, number: r.number, amount: r.amount });
    out.set(r.payment_id, list);
  }
  return out;
}

export function toPaymentView(row: PaymentRow, invoices: PaymentView['invoices']): PaymentView {
  const failedAttempt = row.status === 'failed' || (row.status === 'canceled' && (row.failure_code !== null || row.decline_code !== null));
  const failure = failedAttempt
    ? { code: row.decline_code ?? row.failure_code, ...explainFailure({ failureCode: row.failure_code, declineCode: row.decline_code, message: row.failure_message }) }
    : null;
  return {
    id: row.id,
    status: failedAttempt ? 'failed' : row.status,
    amount: row.amount,
    currency: row.currency,
    methodType: row.method_type,
    methodLabel: row.method_label,
    invoices,
    createdAt: new Date(row.created_at).toISOString(),
    succeededAt: row.succeeded_at ? new Date(row.succeeded_at).toISOString() : null,
    statusText: statusText(row, failedAttempt),
    failure,
    receiptAvailable: row.status === 'succeeded',
  };
}

export async function toPaymentViews(db: DbOrTrx, installationId: string, rows: PaymentRow[]): Promise<PaymentView[]> {
  const splits = await splitsOf(db, installationId, rows.map((r) => r.id));
  return rows.map((r) => toPaymentView(r, splits.get(r.id) ?? []));
}
