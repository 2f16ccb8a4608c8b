import './latest-payment.css';
import type { LatestPaymentStatus, LatestPaymentView } from '../../../server/payments/latest-payments';
import { Badge } from '../../../ui-kit/components/badge';
import { formatDate } from '../../../ui-kit/dates';
import type { Tone } from '../../../ui-kit/invoice-status';

const METHOD: Record<string, string> = { card: 'card', us_bank_account: 'bank account', check: 'check', wire: 'wire', cash: 'cash' };

/** Every payment status in a technician's words, exhaustively (a new status fails to compile). */
export function paymentStatusWords(status: LatestPaymentStatus): { label: string; tone: Tone; description: string } {
  switch (status) {
    case 'processing':
      return { label: 'Processing', tone: 'info', description: 'Not paid yet: bank payments take up to 4 business days to clear.' };
    case 'requires_action':
      return { label: 'Needs authentication', tone: 'warning', description: 'The client must confirm this payment with their bank.' };
    case 'succeeded':
      return { label: 'Succeeded', tone: 'success', description: 'The payment went through.' };
    case 'partially_refunded':
      return { label: 'Partly refunded', tone: 'warning', description: 'Part of this payment was refunded.' };
    case 'refunded':
      return { label: 'Refunded', tone: 'neutral', description: 'This payment was refunded in full.' };
    case 'disputed':
      return { label: 'Disputed', tone: 'danger', description: 'The client’s bank disputes this payment; respond before the evidence due date.' };
    case 'dispute_lost':
      return { label: 'Dispute lost', tone: 'danger', description: 'The dispute was lost: the money went back to the client.' };
    case 'failed':
      return { label: 'Failed', tone: 'danger', description: 'The payment did not go through.' };
    case 'canceled':
      return { label: 'Canceled', tone: 'neutral', description: 'The payment was canceled before it completed.' };
    default: {
      const never: never = status;
      return { label: String(never), tone: 'neutral', description: '' };
    }
  }
}

/** A payment's status as a pill with its explanation on hover. */
export function PaymentStatusBadge({ status }: { status: LatestPaymentStatus }) {
  const d = paymentStatusWords(status);
  return (
    <Badge tone={d.tone} title={d.description}>
      {d.label}
    </Badge>
  );
}

export const METHOD_WORDS = METHOD;

/** The latest payment behind an invoice: status pill, then method and date in small print. */
export function LatestPaymentBadge({ payment }: { payment: LatestPaymentView | null }) {
  if (!payment) return <span className="muted">None yet</span>;
  const d = paymentStatusWords(payment.status);
  const reason = payment.declineCode ?? payment.failureCode;
  return (
    <span className="latest-payment">
      <Badge tone={d.tone} title={d.description}>
        {d.label}
      </Badge>
      <span className="latest-payment__meta">
        {[METHOD[payment.methodType ?? ''] ?? payment.methodType, formatDate(payment.at.slice(0, 10)), reason?.replaceAll('_', ' ')].filter(Boolean).join(' · ')}
      </span>
    </span>
  );
}
