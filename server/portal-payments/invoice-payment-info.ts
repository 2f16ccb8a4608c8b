// What the invoice page needs to offer (or refuse) a payment: the payment history, whether a new
// payment may start and, if not, why in plain words, and the payment in flight if there is one.
import type { ClientScope } from '../db/tenant-scope';
import { AppError } from '../http/app-error';
import { payBlockedReason } from './create-portal-payment';
import { PAYMENT_COLUMNS, toPaymentViews, type PaymentRow, type PaymentView } from './payment-view';

export interface InvoicePaymentInfo {
  payments: PaymentView[];
  payable: boolean;
  payBlockedReason: string | null;
  paymentInFlight: PaymentView | null;
}

export async function invoicePaymentInfo(scope: ClientScope, invoiceId: string, options: { onlinePayments: boolean }): Promise<InvoicePaymentInfo> {
  const invoice = (await scope.from('invoices').where({ id: invoiceId }).first('status', 'total', 'amount_remaining')) as
    | { status: 'open' | 'processing' | 'partially_paid' | 'paid' | 'overpaid' | 'void'; total: number; amount_remaining: number }
    | undefined;
  if (!invoice) throw new AppError('INVOICE_NOT_FOUND');
  const rows = (await scope
    .from('payments')
    .whereIn('id', scope.db('allocations').where({ installation_id: scope.installationId, invoice_id: invoiceId }).select('payment_id'))
    .orderBy('created_at', 'desc')
    .select(PAYMENT_COLUMNS)) as PaymentRow[];
  const payments = await toPaymentViews(scope.db, scope.installationId, rows);
  const inFlightId = (await scope.db('allocations').where({ installation_id: scope.installationId, invoice_id: invoiceId, state: 'pending' }).first('payment_id')) as { payment_id: string } | undefined;
  const inFlight = inFlightId ? (payments.find((p) => p.id === inFlightId.payment_id) ?? null) : null;
  // An abandoned (never submitted) or failed payment does not block: paying again cancels it first.
  const blocking = inFlight && !['pending', 'failed'].includes(inFlight.status) ? inFlight : null;
  const reason = options.onlinePayments ? payBlockedReason(invoice, blocking !== null) : 'Online payment is not available for your account. Contact us to pay this invoice.';
  return { payments, payable: reason === null, payBlockedReason: reason, paymentInFlight: blocking };
}
