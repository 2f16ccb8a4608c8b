// What technicians see of the ledger: a payment with its allocations, refunds, disputes and what
// is left to refund; a client's credit, open invoices and recent payments; open disputes with their
// evidence due dates. Read-only.
import type { InstallationScope } from '../db/tenant-scope';
import { AppError } from '../http/app-error';
import { latestPaymentStatus, type LatestPaymentStatus } from '../payments/latest-payments';
import { getClientCredit, type CreditEntry } from './client-credit';
import { paymentPosition } from './payment-position';
import { toRefundView, type RefundView } from './refund-payment';

export interface AllocationView {
  id: string;
  invoiceId: string;
  invoiceNumber: string;
  amount: number;
  rule: string;
  confidence: number;
  state: 'pending' | 'applied' | 'canceled' | 'reversed';
  reversalReason: string | null;
  createdAt: string;
}

export interface DisputeView {
  id: string;
  paymentId: string;
  clientId: string | null;
  clientName: string | null;
  amount: number;
  currency: string;
  reason: string | null;
  status: string;
  evidenceDueBy: string | null;
  closedAt: string | null;
  methodType: string | null;
  createdAt: string;
}

export interface PaymentDetailView {
  id: string;
  clientId: string | null;
  clientName: string | null;
  source: string;
  status: string;
  displayStatus: LatestPaymentStatus;
  methodType: string | null;
  methodLabel: string | null;
  amount: number;
  currency: string;
  amountRefunded: number;
  refundable: number;
  applied: number;
  credit: number;
  unapplied: number;
  reference: string | null;
  payerName: string | null;
  note: string | null;
  receivedAt: string | null;
  allocations: AllocationView[];
  refunds: RefundView[];
  disputes: DisputeView[];
  exceptionId: string | null;
}

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);

export function toDisputeView(r: Record<string, unknown>): DisputeView {
  return {
    id: String(r.id),
    paymentId: String(r.payment_id),
    clientId: (r.client_id as string | null) ?? null,
    clientName: (r.client_name as string | null) ?? null,
    amount: Number(r.amount),
    currency: String(r.currency).trim(),
    reason: (r.reason as string | null) ?? null,
    status: String(r.status),
    evidenceDueBy: iso(r.evidence_due_by as Date | null),
    closedAt: iso(r.closed_at as Date | null),
    methodType: (r.method_type as string | null) ?? null,
    createdAt: iso(r.created_at as Date)!,
  };
}

/** One dispute of the installation, with Stripe's id (DISPUTE_NOT_FOUND otherwise). */
export async function getDispute(scope: InstallationScope, disputeId: string): Promise<DisputeView & { stripeDisputeId: string }> {
  const row = (await disputeQuery(scope).where('disputes.id', disputeId).first()) as Record<string, unknown> | undefined;
  if (!row) throw new AppError('DISPUTE_NOT_FOUND');
  return { ...toDisputeView(row), stripeDisputeId: String(row.stripe_dispute_id) };
}

function disputeQuery(scope: InstallationScope) {
  return scope
    .from('disputes')
    .join('payments as p', (j) => j.on('p.installation_id', 'disputes.installation_id').andOn('p.id', 'disputes.payment_id'))
    .leftJoin('clients as c', (j) => j.on('c.installation_id', 'disputes.installation_id').andOn('c.id', 'p.client_id'))
    .select('disputes.*', 'p.client_id', 'c.name as client_name', 'p.method_type');
}

export async function getPaymentDetail(scope: InstallationScope, paymentId: string): Promise<PaymentDetailView> {
  const position = await paymentPosition(scope, paymentId);
  const p = (await scope
    .from('payments')
    .leftJoin('clients as c', (j) => j.on('c.installation_id', 'payments.installation_id').andOn('c.id', 'payments.client_id'))
    .where('payments.id', paymentId)
    .first('payments.*', 'c.name as client_name')) as Record<string, unknown>;
  const allocations = (await scope
    .from('allocations')
    .join('invoices as i', (j) => j.on('i.installation_id', 'allocations.installation_id').andOn('i.id', 'allocations.invoice_id'))
    .where('allocations.payment_id', paymentId)
    .orderBy([{ column: 'allocations.created_at' }, { column: 'i.number' }, { column: 'allocations.id' }])
    .select('allocations.*', 'i.number')) as Array<Record<string, unknown>>;
  const refunds = (await scope.from('refunds').where({ payment_id: paymentId }).orderBy([{ column: 'created_at' }, { column: 'id' }]).select('*')) as Parameters<typeof toRefundView>[0][];
  const disputes = (await disputeQuery(scope).where('disputes.payment_id', paymentId).orderBy('disputes.created_at')) as Array<Record<string, unknown>>;
  const exception = (await scope.from('reconciliation_exceptions').where({ payment_id: paymentId, status: 'open' }).first('id')) as { id: string } | undefined;
  const lost = position.disputeStatus === 'lost';
  const refundable = position.status === 'succeeded' && !lost && (p.source === 'offline' || p.stripe_payment_intent_id) ? Math.max(position.amount - position.amountRefunded, 0) : 0;
  return {
    id: position.id,
    clientId: position.clientId,
    clientName: (p.client_name as string | null) ?? null,
    source: position.source,
    status: position.status,
    displayStatus: latestPaymentStatus({ status: position.status as never, amount: position.amount, amount_refunded: position.amountRefunded, dispute_status: position.disputeStatus }),
    methodType: (p.method_type as string | null) ?? null,
    methodLabel: (p.method_label as string | null) ?? null,
    amount: position.amount,
    currency: position.currency,
    amountRefunded: position.amountRefunded,
    refundable,
    applied: position.applied,
    credit: position.credit,
    unapplied: Math.max(position.unapplied, 0),
    reference: (p.reference as string | null) ?? null,
    payerName: (p.payer_name as string | null) ?? null,
    note: (p.note as string | null) ?? null,
    receivedAt: iso((p.received_at as Date | null) ?? (p.created_at as Date)),
    allocations: allocations.map((a) => ({
      id: String(a.id),
      invoiceId: String(a.invoice_id),
      invoiceNumber: String(a.number),
      amount: Number(a.amount),
      rule: String(a.rule),
      confidence: Number(a.confidence),
      state: a.state as AllocationView['state'],
      reversalReason: (a.reversal_reason as string | null) ?? null,
      createdAt: iso(a.created_at as Date)!,
    })),
    refunds: refunds.map(toRefundView),
    disputes: disputes.map(toDisputeView),
    exceptionId: exception?.id ?? null,
  };
}

export interface ClientLedgerView {
  credit: { balance: number; currency: string; entries: CreditEntry[] };
  openInvoices: Array<{ id: string; number: string; total: number; amountRemaining: number; status: string; dueDate: string }>;
  payments: Array<{ id: string; source: string; displayStatus: LatestPaymentStatus; methodLabel: string | null; amount: number; amountRefunded: number; currency: string; receivedAt: string | null; invoiceNumbers: string[] }>;
  disputes: DisputeView[];
}

export async function getClientLedger(scope: InstallationScope, clientId: string): Promise<ClientLedgerView> {
  const client = (await scope.from('clients').where({ id: clientId }).first('id')) as { id: string } | undefined;
  if (!client) throw new AppError('CLIENT_NOT_FOUND');
  const inst = (await scope.db('installations').where({ id: scope.installationId }).first('currency')) as { currency: string };
  const credit = await getClientCredit(scope, clientId, inst.currency.trim());
  const invoices = (await scope.from('invoices').where({ client_id: clientId }).whereIn('status', ['open', 'partially_paid']).orderBy([{ column: 'due_date' }, { column: 'number' }]).select('id', 'number', 'total', 'amount_remaining', 'status', 'due_date')) as Array<Record<string, unknown>>;
  const payments = (await scope.from('payments').where({ client_id: clientId }).whereNot('status', 'canceled').orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(25).select('*')) as Array<Record<string, unknown>>;
  const numbers = payments.length
    ? ((await scope
        .from('allocations')
        .join('invoices as i', (j) => j.on('i.installation_id', 'allocations.installation_id').andOn('i.id', 'allocations.invoice_id'))
        .whereIn('allocations.payment_id', payments.map((p) => p.id as string))
        .whereIn('allocations.state', ['pending', 'applied'])
        .distinct('allocations.payment_id', 'i.number')) as Array<{ payment_id: string; number: string }>)
    : [];
  const disputes = (await disputeQuery(scope).where('p.client_id', clientId).orderBy('disputes.created_at', 'desc')) as Array<Record<string, unknown>>;
  return {
    credit,
    openInvoices: invoices.map((i) => ({ id: String(i.id), number: String(i.number), total: Number(i.total), amountRemaining: Number(i.amount_remaining), status: String(i.status), dueDate: String(i.due_date) })),
    payments: payments.map((p) => ({
      id: String(p.id),
      source: String(p.source),
      displayStatus: latestPaymentStatus({ status: p.status as never, amount: Number(p.amount), amount_refunded: Number(p.amount_refunded), dispute_status: (p.dispute_status as string | null) ?? null }),
      methodLabel: (p.method_label as string | null) ?? null,
      amount: Number(p.amount),
      amountRefunded: Number(p.amount_refunded),
      currency: String(p.currency).trim(),
      receivedAt: iso((p.received_at as Date | null) ?? (p.created_at as Date)),
      invoiceNumbers: numbers.filter((n) => n.payment_id === p.id).map((n) => n.number).sort(),
    })),
    disputes: disputes.map(toDisputeView),
  };
}

/** Disputes still open (needing evidence or under review) first by due date, then recently closed. */
export async function listDisputes(scope: InstallationScope, filter: 'open' | 'all'): Promise<DisputeView[]> {
  const q = disputeQuery(scope).orderByRaw('disputes.evidence_due_by asc nulls last').orderBy('disputes.created_at', 'desc').limit(200);
  if (filter === 'open') q.whereNull('disputes.closed_at');
  return ((await q) as Array<Record<string, unknown>>).map(toDisputeView);
}
