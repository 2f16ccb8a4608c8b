import type { ReactNode } from 'react';
import { formatDate } from '../../../ui-kit/dates';
import { PROCESSING_DESCRIPTION } from '../../../ui-kit/invoice-status';
import { formatMoney } from '../../../ui-kit/money';
import type { Invoice } from '../../../ui-kit/types';
import { describeInFlight } from '../pay/payment-words';
import type { PaymentView } from '../pay/types';

type CalloutTone = 'info' | 'warning' | 'danger' | 'success' | 'neutral';

function describe(invoice: Invoice, mspName: string): { tone: CalloutTone; text: string } {
  const due = formatDate(invoice.dueDate, undefined, 'long');
  const remaining = formatMoney(invoice.amountRemaining, invoice.currency);
  switch (invoice.status) {
    case 'open':
      return invoice.overdue
        ? { tone: 'danger', text: `This invoice was due on ${due} and hasn’t been paid.` }
        : { tone: 'info', text: `${remaining} is due by ${due}.` };
    case 'partially_paid': {
      const paid = formatMoney(invoice.amountPaid, invoice.currency);
      return invoice.overdue
        ? { tone: 'danger', text: `${paid} has been received. ${remaining} was due on ${due} and is now overdue.` }
        : { tone: 'info', text: `${paid} has been received. ${remaining} is still due by ${due}.` };
    }
    case 'processing':
      return { tone: 'warning', text: PROCESSING_DESCRIPTION };
    case 'paid':
      return { tone: 'success', text: 'Paid in full. Thank you!' };
    case 'overpaid': {
      const extra = formatMoney(invoice.amountPaid - invoice.total, invoice.currency);
      return {
        tone: 'success',
        text: `Paid in full. ${mspName} received ${extra} more than the invoice total and will be in touch about the difference.`,
      };
    }
    case 'void':
      return { tone: 'neutral', text: `${mspName} cancelled this invoice. Nothing is due.` };
    default: {
      const unknown: never = invoice.status;
      return { tone: 'neutral', text: `Status “${String(unknown)}” is not recognised. Contact ${mspName} for details.` };
    }
  }
}

function Icon({ tone }: { tone: CalloutTone }) {
  if (tone === 'success') {
    return (
      <svg viewBox="0 0 20 20" aria-hidden="true" focusable="false">
        <circle cx="10" cy="10" r="8" fill="none" stroke="currentColor" strokeWidth="1.6" />
        <path d="m6.5 10.2 2.3 2.3 4.7-4.8" fill="none" stroke="currentColor" strokeWidth="1.7" strokeLinecap="round" strokeLinejoin="round" />
      </svg>
    );
  }
  if (tone === 'warning') {
    return (
      <svg viewBox="0 0 20 20" aria-hidden="true" focusable="false">
        <circle cx="10" cy="10" r="8" fill="none" stroke="currentColor" strokeWidth="1.6" />
        <path d="M10 5.5V10l3 2" fill="none" stroke="currentColor" strokeWidth="1.7" strokeLinecap="round" strokeLinejoin="round" />
      </svg>
    );
  }
  return (
    <svg viewBox="0 0 20 20" aria-hidden="true" focusable="false">
      <circle cx="10" cy="10" r="8" fill="none" stroke="currentColor" strokeWidth="1.6" />
      <path d={tone === 'danger' ? 'M10 6v5M10 13.5v.5' : 'M10 9v5M10 6v.5'} stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" />
    </svg>
  );
}

/**
 * One sentence on where this invoice stands; processing explicitly reads as not paid yet. A payment
 * in flight (ACH processing, awaiting authentication) is described instead of the bare status.
 */
export function InvoiceStatusCallout({
  invoice,
  mspName,
  paymentInFlight = null,
  action,
}: {
  invoice: Invoice;
  mspName: string;
  paymentInFlight?: PaymentView | null;
  action?: ReactNode;
}) {
  const { tone, text } = paymentInFlight ? describeInFlight(paymentInFlight, formatMoney) : describe(invoice, mspName);
  return (
    <div className={`callout callout--${tone}`}>
      <Icon tone={tone} />
      <p className="callout__text">{text}</p>
      {action}
    </div>
  );
}
