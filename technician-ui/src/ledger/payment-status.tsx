import { useState } from 'react';
import { Badge } from '../../../ui-kit/components/badge';
import { formatTimestamp } from '../../../ui-kit/dates';
import { LatestPaymentBadge } from '../clients/latest-payment-badge';
import type { AllocationView, DisputeView, PaymentDetailView, RefundView } from './types';

/** The payment's status pill, worded like the client page's. */
export function PaymentStatusBadge({ payment }: { payment: Pick<PaymentDetailView, 'id' | 'displayStatus' | 'methodType' | 'amount' | 'currency' | 'receivedAt'> }) {
  return (
    <LatestPaymentBadge
      payment={{ id: payment.id, status: payment.displayStatus, methodType: payment.methodType, amount: payment.amount, currency: payment.currency, at: payment.receivedAt ?? new Date().toISOString(), failureCode: null, declineCode: null }}
    />
  );
}

export function AllocationStateBadge({ allocation }: { allocation: AllocationView }) {
  switch (allocation.state) {
    case 'applied':
      return <Badge tone="success">Applied</Badge>;
    case 'pending':
      return <Badge tone="info" title="Waiting for the payment to clear">In flight</Badge>;
    case 'canceled':
      return <Badge tone="neutral" title="The payment never completed">Canceled</Badge>;
    case 'reversed':
      return (
        <Badge tone="warning" title={REVERSAL[allocation.reversalReason ?? ''] ?? 'Undone'}>
          Reversed
        </Badge>
      );
    default: {
      const never: never = allocation.state;
      return <Badge tone="neutral">{String(never)}</Badge>;
    }
  }
}

const REVERSAL: Record<string, string> = {
  refund: 'Taken back by a refund',
  dispute: 'Taken back by a lost dispute',
  excess_to_credit: 'More than the invoice total: moved to credit',
  moved: 'Moved by a technician',
};

export const RULE_LABEL: Record<string, string> = {
  manual: 'Split by hand',
  metadata: 'Paid through Settle',
  credit: 'Client credit',
  invoice_number: 'Invoice number in reference',
  exact_amount: 'Exact amount',
  group: 'Group of invoices',
  tolerance: 'Within tolerance',
  oldest_first: 'Oldest invoices first',
  suggestion: 'Suggestion applied',
};

export function RefundStatusBadge({ refund, methodType }: { refund: RefundView; methodType: string | null }) {
  switch (refund.status) {
    case 'succeeded':
      return <Badge tone="success">Refunded</Badge>;
    case 'pending':
      return refund.confirmed ? (
        <Badge tone="info" title={methodType === 'us_bank_account' ? 'Bank refunds take up to 4 business days' : 'Waiting for Stripe'}>
          Pending
        </Badge>
      ) : (
        <Badge tone="warning" title="Stripe did not answer yet; refund again with the same dialog to finish it">
          Not confirmed
        </Badge>
      );
    case 'requires_action':
      return <Badge tone="warning">Needs action in Stripe</Badge>;
    case 'failed':
      return <Badge tone="danger" title={refund.failureReason ?? undefined}>Failed</Badge>;
    case 'canceled':
      return <Badge tone="neutral">Canceled</Badge>;
    default:
      return <Badge tone="neutral">{refund.status}</Badge>;
  }
}

const OPEN = new Set(['needs_response', 'warning_needs_response', 'under_review', 'warning_under_review']);

export function DisputeStatusBadge({ dispute }: { dispute: DisputeView }) {
  switch (dispute.status) {
    case 'needs_response':
    case 'warning_needs_response':
      return <Badge tone="danger" title="Respond with evidence before the due date">Needs response</Badge>;
    case 'under_review':
    case 'warning_under_review':
      return <Badge tone="info" title="Evidence submitted; the bank decides">Under review</Badge>;
    case 'won':
      return <Badge tone="success">Won</Badge>;
    case 'lost':
      return <Badge tone="danger" title="The money went back to the client; the invoice was reopened">Lost</Badge>;
    case 'warning_closed':
      return <Badge tone="neutral">Inquiry closed</Badge>;
    case 'prevented':
      return <Badge tone="neutral">Prevented</Badge>;
    default:
      return <Badge tone="neutral">{dispute.status.replaceAll('_', ' ')}</Badge>;
  }
}

/** "Due Dec 9, 2026, 5:00 PM (3 days)" in red when under 3 days; "Evidence submitted" under review; nothing for closed disputes. */
export function EvidenceDue({ dispute }: { dispute: DisputeView }) {
  const [now] = useState(() => Date.now());
  if (dispute.status === 'under_review' || dispute.status === 'warning_under_review') return <span className="muted">Evidence submitted</span>;
  if (!dispute.evidenceDueBy || !OPEN.has(dispute.status)) return <span className="muted">{dispute.methodType === 'us_bank_account' ? 'Final (bank)' : '—'}</span>;
  const days = Math.ceil((new Date(dispute.evidenceDueBy).getTime() - now) / 86_400_000);
  return (
    <span className={`ledger-due${days <= 3 ? ' ledger-due--soon' : ''}`}>
      {formatTimestamp(dispute.evidenceDueBy)} ({days <= 0 ? 'overdue' : `${days} day${days === 1 ? '' : 's'}`})
    </span>
  );
}
