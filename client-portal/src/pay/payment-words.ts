// How a payment reads to a client. The server's `statusText` and `failure` are the plain words;
// these helpers only add the short badge label and tone, exhaustively over the statuses, so a
// processing bank payment can never read as paid.
import type { Tone } from '../../../ui-kit/invoice-status';
import type { MethodType, PaymentStatus, PaymentView } from './types';

export const ACH_PROCESSING_TEXT = 'Processing — bank payments usually take 4 business days. We will email your receipt when it clears.';

export function paymentBadge(status: PaymentStatus): { label: string; tone: Tone } {
  switch (status) {
    case 'pending':
      return { label: 'Not submitted', tone: 'neutral' };
    case 'processing':
      return { label: 'Processing', tone: 'warning' };
    case 'requires_action':
      return { label: 'Needs authentication', tone: 'warning' };
    case 'succeeded':
      return { label: 'Succeeded', tone: 'success' };
    case 'failed':
      return { label: 'Failed', tone: 'danger' };
    case 'canceled':
      return { label: 'Canceled', tone: 'neutral' };
    default: {
      const unknown: never = status;
      return { label: String(unknown), tone: 'neutral' };
    }
  }
}

export function methodTypeName(type: MethodType | null): string {
  if (type === 'card') return 'Card';
  if (type === 'us_bank_account') return 'Bank account (ACH)';
  return 'Not chosen yet';
}

/** "Visa •••• 4242", else the kind of method. */
export function methodText(payment: Pick<PaymentView, 'methodLabel' | 'methodType'>): string {
  return payment.methodLabel ?? methodTypeName(payment.methodType);
}

/** The part of a payment that went to one invoice (the whole payment when it is not listed). */
export function amountForInvoice(payment: PaymentView, invoiceId: string): number {
  return payment.invoices.find((invoice) => invoice.id === invoiceId)?.amount ?? payment.amount;
}

export function invoiceNumbers(payment: Pick<PaymentView, 'invoices'>): string {
  const numbers = payment.invoices.map((invoice) => invoice.number);
  if (numbers.length <= 1) return numbers.join('');
  return `${numbers.slice(0, -1).join(', ')} and ${numbers[numbers.length - 1]}`;
}

/** One sentence for an invoice with a payment in flight; never reads as paid. */
export function describeInFlight(payment: PaymentView, formatAmount: (amount: number, currency: string) => string): { tone: 'warning' | 'info'; text: string } {
  const amount = formatAmount(payment.amount, payment.currency);
  const from = payment.methodLabel ? ` from ${payment.methodLabel}` : '';
  switch (payment.status) {
    case 'processing':
      return payment.methodType === 'us_bank_account'
        ? { tone: 'warning', text: `A ${amount} payment${from} is processing — bank payments usually take 4 business days. This invoice isn’t paid until it clears.` }
        : { tone: 'warning', text: `A ${amount} payment${from} is processing. This invoice isn’t paid until it completes.` };
    case 'requires_action':
      return { tone: 'warning', text: `A ${amount} payment${from} is waiting for you to confirm it with your bank. Nothing has been charged yet.` };
    case 'pending':
      return { tone: 'info', text: `A ${amount} payment was started but not submitted. Nothing has been charged.` };
    case 'failed':
      return { tone: 'warning', text: `The last ${amount} payment${from} didn’t go through. ${payment.failure?.nextStep ?? ''}`.trim() };
    default:
      return { tone: 'info', text: payment.statusText };
  }
}
