// One invoice for the technician's invoice page: its amounts and status, where its money came from
// (allocations and the payments behind them, including attempts that failed), refunds, disputes and
// its audit trail. Read-only; CLIENT_NOT_FOUND-style 404 (INVOICE_NOT_FOUND) for other tenants' ids.
import type { Clock } from '../clock';
import type { InstallationScope } from '../db/tenant-scope';
import { AppError } from '../http/app-error';
import { INVOICE_COLUMNS, installationToday, toInvoiceView, type InvoiceRow, type InvoiceView } from '../invoices/invoice-view';
import { paymentsQuery, toStaffPaymentView, type PaymentRow, type StaffPaymentView } from '../staff-payments/list-payments';
import { listAuditEntries, type AuditEntryView } from '../audit/list-audit-entries';

export interface InvoiceDetailView {
  invoice: InvoiceView & { client: { id: string; name: string } };
  allocations: Array<{ id: string; paymentId: string; amount: number; state: string; rule: string; createdAt: string; reversedAt: string | null }>;
  payments: StaffPaymentView[];
  refunds: Array<{ id: string; paymentId: string; amount: number; currency: string; status: string; reason: string | null; failureReason: string | null; createdAt: string }>;
  disputes: Array<{ id: string; paymentId: string; amount: number; currency: string; status: string; reason: string | null; evidenceDueBy: string | null; closedAt: string | null }>;
  audit: AuditEntryView[];
}

export async function getInvoice(scope: InstallationScope, invoiceId: string, clock: Clock): Promise<InvoiceDetailView> {
  const row = (await scope
    .from('invoices')
    .join('clients as c', (j) => j.on('c.installation_id', 'invoices.installation_id').andOn('c.id', 'invoices.client_id'))
    .where('invoices.id', invoiceId)
    .first([...INVOICE_COLUMNS, 'c.name as client_name'])) as (InvoiceRow & { client_name: string }) | undefined;
  if (!row) throw new AppError('INVOICE_NOT_FOUND');
  const { today } = await installationToday(scope.db, scope.installationId, clock.now());

  const allocations = (await scope.from('allocations').where({ invoice_id: invoiceId }).orderBy('created_at').select('id', 'payment_id', 'amount', 'state', 'rule', 'created_at', 'reversed_at')) as Array<{
    id: string; payment_id: string; amount: number; state: string; rule: string; created_at: Date; reversed_at: Date | null;
  }>;
  const attempted = (await scope.from('charge_attempts').where({ invoice_id: invoiceId }).whereNotNull('payment_id').pluck('payment_id')) as string[];
  const paymentIds = [...new Set([...allocations.map((a) => a.payment_id), ...attempted])];
  const payments = paymentIds.length ? ((await paymentsQuery(scope).whereIn('p.id', paymentIds).orderBy('p.created_at', 'desc')) as PaymentRow[]) : [];
  const refunds = paymentIds.length
    ? ((await scope.from('refunds').whereIn('payment_id', paymentIds).orderBy('created_at', 'desc').select('id', 'payment_id', 'amount', 'currency', 'status', 'reason', 'failure_reason', 'created_at')) as Array<{
        id: string; payment_id: string; amount: number; currency: string; status: string; reason: string | null; failure_reason: string | null; created_at: Date;
      }>)
    : [];
  const disputes = paymentIds.length
    ? ((await scope.from('disputes').whereIn('payment_id', paymentIds).orderBy('created_at', 'desc').select('id', 'payment_id', 'amount', 'currency', 'status', 'reason', 'evidence_due_by', 'closed_at')) as Array<{
        id: string; payment_id: string; amount: number; currency: string; status: string; reason: string | null; evidence_due_by: Date | null; closed_at: Date | null;
      }>)
    : [];
  const audit = await listAuditEntries(scope, { subjects: [{ type: 'invoice', ids: [invoiceId] }, { type: 'payment', ids: paymentIds }], page: 1, pageSize: 100 });

  return {
    invoice: { ...toInvoiceView(row, today), client: { id: row.client_id, name: row.client_name } },
    allocations: allocations.map((a) => ({ id: a.id, paymentId: a.payment_id, amount: a.amount, state: a.state, rule: a.rule, createdAt: a.created_at.toISOString(), reversedAt: a.reversed_at?.toISOString() ?? null })),
    payments: payments.map(toStaffPaymentView),
    refunds: refunds.map((r) => ({ id: r.id, paymentId: r.payment_id, amount: r.amount, currency: r.currency, status: r.status, reason: r.reason, failureReason: r.failure_reason, createdAt: r.created_at.toISOString() })),
    disputes: disputes.map((d) => ({ id: d.id, paymentId: d.payment_id, amount: d.amount, currency: d.currency, status: d.status, reason: d.reason, evidenceDueBy: d.evidence_due_by?.toISOString() ?? null, closedAt: d.closed_at?.toISOString() ?? null })),
    audit: audit.entries,
  };
}
