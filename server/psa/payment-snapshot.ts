// The shape the PSA sees of a payment: the same in the pull feed (`GET /api/psa/payments`) and in
// the pushed write-back (`payment.updated`), so a PSA handles both with one function. Allocations
// are listed with their invoice's PSA ref; reversed ones stay listed (with reversedAt) so the PSA
// can undo what it applied.
import type { InstallationScope } from '../db/tenant-scope';

export interface PsaAllocationSnapshot {
  id: string;
  invoiceId: string;
  invoicePsaRef: string;
  invoiceNumber: string;
  amount: number;
  currency: string;
  reversedAt: string | null;
  createdAt: string;
}

export interface PsaPaymentSnapshot {
  id: string;
  /** +1 on every change; apply a delivery only when its version is newer than the one you have. */
  version: number;
  clientId: string | null;
  clientPsaRef: string | null;
  status: string;
  source: string;
  amount: number;
  amountRefunded: number;
  currency: string;
  methodType: string | null;
  reference: string | null;
  failureCode: string | null;
  failureMessage: string | null;
  disputeStatus: string | null;
  receivedAt: string | null;
  succeededAt: string | null;
  createdAt: string;
  updatedAt: string;
  allocations: PsaAllocationSnapshot[];
}

export interface PaymentRow {
  id: string;
  version: number;
  sync_txid: number;
  client_id: string | null;
  client_psa_ref: string | null;
  status: string;
  source: string;
  amount: number;
  amount_refunded: number;
  currency: string;
  method_type: string | null;
  reference: string | null;
  failure_code: string | null;
  failure_message: string | null;
  dispute_status: string | null;
  received_at: Date | null;
  succeeded_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** Payments of the installation with the columns a snapshot needs (add where/order/limit). */
export function selectPayments(scope: InstallationScope) {
  return scope
    .from('payments')
    .leftJoin('clients as c', (j) => j.on('c.installation_id', 'payments.installation_id').andOn('c.id', 'payments.client_id'))
    .select(
      'payments.id', 'payments.version', 'payments.sync_txid', 'payments.client_id', 'c.psa_ref as client_psa_ref', 'payments.status',
      'payments.source', 'payments.amount', 'payments.amount_refunded', 'payments.currency', 'payments.method_type', 'payments.reference',
      'payments.failure_code', 'payments.failure_message', 'payments.dispute_status', 'payments.received_at', 'payments.succeeded_at',
      'payments.created_at', 'payments.updated_at',
    );
}

/** Snapshots of these payment rows with their allocations, in the rows' order. Read-only. */
export async function toPaymentSnapshots(scope: InstallationScope, rows: PaymentRow[]): Promise<PsaPaymentSnapshot[]> {
  if (rows.length === 0) return [];
  const allocations = (await scope
    .from('allocations')
    .join('invoices as i', (j) => j.on('i.installation_id', 'allocations.installation_id').andOn('i.id', 'allocations.invoice_id'))
    .whereIn('allocations.payment_id', rows.map((r) => r.id))
    .orderBy([{ column: 'allocations.created_at' }, { column: 'allocations.id' }])
    .select(
      'allocations.id', 'allocations.payment_id', 'allocations.invoice_id', 'i.psa_ref', 'i.number', 'allocations.amount', 'allocations.currency',
      'allocations.reversed_at', 'allocations.created_at',
    )) as Array<{
    id: string;
    payment_id: string;
    invoice_id: string;
    psa_ref: string;
    number: string;
    amount: number;
    currency: string;
    reversed_at: Date | null;
    created_at: Date;
  }>;
  const byPayment = new Map<string, PsaAllocationSnapshot[]>();
  for (const a of allocations) {
    const list = byPayment.get(a.payment_id) ?? [];
    list.push({
      id: a.id,
      invoiceId: a.invoice_id,
      invoicePsaRef: a.psa_ref,
      invoiceNumber: a.number,
      amount: a.amount,
      currency: a.currency.trim(),
      reversedAt: a.reversed_at?.toISOString() ?? null,
      createdAt: a.created_at.toISOString(),
    });
    byPayment.set(a.payment_id, list);
  }
  return rows.map((r) => ({
    id: r.id,
    version: r.version,
    clientId: r.client_id,
    clientPsaRef: r.client_psa_ref,
    status: r.status,
    source: r.source,
    amount: r.amount,
    amountRefunded: r.amount_refunded,
    currency: r.currency.trim(),
    methodType: r.method_type,
    reference: r.reference,
    failureCode: r.failure_code,
    failureMessage: r.failure_message,
    disputeStatus: r.dispute_status,
    receivedAt: r.received_at?.toISOString() ?? null,
    succeededAt: r.succeeded_at?.toISOString() ?? null,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    allocations: byPayment.get(r.id) ?? [],
  }));
}
