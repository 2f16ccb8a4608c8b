// "Resend receipt" for a payment that succeeded: the same receipt email the payment sent, queued
// again to the client's billing contacts (or one address the technician gives). A double click
// within the same minute queues it once (the outbox's dedupe key). Audited. Never for a payment that
// has not succeeded (an ACH debit still processing gets no receipt), never changes the payment.
import type { AuditActor } from '../audit/record-audit';
import { recordAudit } from '../audit/record-audit';
import type { Clock } from '../clock';
import type { InstallationScope } from '../db/tenant-scope';
import { enqueueEmail } from '../email/enqueue-email';
import { paymentReceiptEmail } from '../email/templates';
import { AppError } from '../http/app-error';
import { recipientsOf } from '../portal-payments/apply-payment-transition';

export async function resendReceipt(
  scope: InstallationScope,
  paymentId: string,
  options: { to?: string | undefined; publicUrl: string; actor: AuditActor; ip?: string | undefined; requestId?: string | undefined },
  clock: Clock,
): Promise<{ sentTo: string[] }> {
  return scope.transaction(async (tx) => {
    const payment = (await tx.from('payments').where({ id: paymentId }).first('id', 'client_id', 'status', 'amount', 'currency', 'method_label')) as
      | { id: string; client_id: string | null; status: string; amount: number; currency: string; method_label: string | null }
      | undefined;
    if (!payment?.client_id) throw new AppError('PAYMENT_NOT_FOUND');
    if (payment.status !== 'succeeded') throw new AppError('RECEIPT_NOT_AVAILABLE');
    const who = await recipientsOf(tx, payment.client_id);
    const recipients = options.to ? [options.to.trim().toLowerCase()] : who.emails;
    if (recipients.length === 0) throw new AppError('RECEIPT_NO_RECIPIENT');
    const numbers = (await tx
      .from('allocations')
      .join('invoices as i', (j) => j.on('i.installation_id', 'allocations.installation_id').andOn('i.id', 'allocations.invoice_id'))
      .where({ 'allocations.payment_id': paymentId, 'allocations.state': 'applied' })
      .orderBy('i.number')
      .pluck('i.number')) as string[];
    const content = paymentReceiptEmail({
      mspName: who.mspName,
      clientName: who.clientName,
      amount: payment.amount,
      currency: payment.currency,
      methodLabel: payment.method_label ?? 'your payment method',
      invoiceNumbers: numbers,
      receiptUrl: `${options.publicUrl}/portal/receipts/${paymentId}`,
    });
    const minute = clock.now().toISOString().slice(0, 16);
    for (const to of recipients) {
      await enqueueEmail(tx, { to, subject: content.subject, text: content.text, html: content.html, kind: 'transactional', dedupeKey: `receipt-resend:${paymentId}:${to}:${minute}`, clientId: payment.client_id }, clock);
    }
    await recordAudit(tx, { actor: options.actor, action: 'receipt.resent', subjectType: 'payment', subjectId: paymentId, clientId: payment.client_id, details: { to: recipients }, ip: options.ip, requestId: options.requestId }, clock);
    return { sentTo: recipients };
  });
}
