import { useEffect, useRef } from 'react';
import type { ReactNode } from 'react';
import { formatMoney } from '../../../ui-kit/money';
import { ACH_PROCESSING_TEXT, invoiceNumbers, methodText } from './payment-words';
import type { PaymentView } from './types';

interface PaymentOutcomeProps {
  payment: PaymentView;
  /** e.g. a "View receipt" link; shown for a succeeded payment. */
  receiptAction?: ReactNode;
  /** e.g. "Try another payment method"; shown when the payment failed or was canceled. */
  retryAction?: ReactNode;
  /** Shown for every outcome, e.g. "Done". */
  closeAction?: ReactNode;
  /** Who is paid, for "Thank you" wording; defaults to no name. */
  payee?: string;
}

function OutcomeIcon({ kind }: { kind: 'success' | 'processing' | 'failed' }) {
  if (kind === 'success') {
    return (
      <svg className="outcome__icon" viewBox="0 0 40 40" aria-hidden="true" focusable="false">
        <circle cx="20" cy="20" r="18" />
        <path d="m12.5 20.5 5 5 10-11" fill="none" strokeWidth="3" strokeLinecap="round" strokeLinejoin="round" />
      </svg>
    );
  }
  if (kind === 'processing') {
    return (
      <svg className="outcome__icon" viewBox="0 0 40 40" aria-hidden="true" focusable="false">
        <circle cx="20" cy="20" r="18" />
        <path d="M20 11v9.5l6 4" fill="none" strokeWidth="3" strokeLinecap="round" strokeLinejoin="round" />
      </svg>
    );
  }
  return (
    <svg className="outcome__icon" viewBox="0 0 40 40" aria-hidden="true" focusable="false">
      <circle cx="20" cy="20" r="18" />
      <path d="M20 11.5v10M20 27.5v.5" fill="none" strokeWidth="3.2" strokeLinecap="round" />
    </svg>
  );
}

/**
 * The end of a payment attempt, in plain words. Only `succeeded` reads as paid; a bank payment
 * reads as processing (with the honest 4-business-day wording); a failure says why and what to do.
 * The heading takes focus so screen readers announce the outcome.
 */
export function PaymentOutcome({ payment, receiptAction, retryAction, closeAction, payee }: PaymentOutcomeProps) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    headingRef.current?.focus();
  }, [payment.status]);

  const amount = formatMoney(payment.amount, payment.currency);
  const method = methodText(payment);
  const numbers = invoiceNumbers(payment);
  const forInvoices = numbers ? ` for ${numbers}` : '';

  let kind: 'success' | 'processing' | 'failed';
  let title: string;
  let body: ReactNode;
  switch (payment.status) {
    case 'succeeded':
      kind = 'success';
      title = 'Payment received';
      body = (
        <p>
          {amount} paid{forInvoices} with {method}. Thank you{payee ? ` — ${payee} has your payment` : ''}!
        </p>
      );
      break;
    case 'processing':
    case 'pending':
      kind = 'processing';
      title = 'Payment processing — not paid yet';
      body = (
        <>
          <p>
            We’ve submitted your {amount} payment{forInvoices} from {method}.
          </p>
          <p>{payment.methodType === 'us_bank_account' || payment.status === 'processing' ? ACH_PROCESSING_TEXT : payment.statusText}</p>
        </>
      );
      break;
    case 'requires_action':
      kind = 'failed';
      title = 'Authentication wasn’t completed';
      body = (
        <>
          <p>Your bank asked you to confirm this {amount} payment, and it wasn’t confirmed. Nothing was charged.</p>
          <p>Try again, or use another payment method.</p>
        </>
      );
      break;
    case 'canceled':
      kind = 'failed';
      title = 'Payment canceled';
      body = <p>The {amount} payment{forInvoices} was canceled. Nothing was charged.</p>;
      break;
    case 'failed':
      kind = 'failed';
      title = 'Payment failed';
      body = (
        <>
          <p>{payment.failure?.message ?? `The ${amount} payment${forInvoices} didn’t go through.`}</p>
          <p className="outcome__next">
            <strong>What to do next:</strong> {payment.failure?.nextStep ?? 'Try another payment method.'}
          </p>
        </>
      );
      break;
    default: {
      const unknown: never = payment.status;
      kind = 'failed';
      title = 'Payment status unknown';
      body = <p>{`We couldn’t read this payment’s status (${String(unknown)}). Check the invoice before paying again.`}</p>;
    }
  }

  return (
    <div className={`outcome outcome--${kind}`} data-payment-status={payment.status}>
      <OutcomeIcon kind={kind} />
      <h3 className="outcome__title" tabIndex={-1} ref={headingRef}>
        {title}
      </h3>
      <div className="outcome__body" role={kind === 'failed' ? 'alert' : 'status'}>
        {body}
      </div>
      <div className="outcome__actions">
        {payment.status === 'succeeded' && receiptAction}
        {kind === 'failed' && retryAction}
        {closeAction}
      </div>
    </div>
  );
}
