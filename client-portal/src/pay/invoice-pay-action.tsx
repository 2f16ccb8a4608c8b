import { useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { describeError } from '../../../ui-kit/components/error-state';
import { formatMoney } from '../../../ui-kit/money';
import type { Invoice } from '../../../ui-kit/types';
import { refreshPayment } from './pay-api';
import { PayDialog } from './pay-dialog';
import type { InvoicePaymentInfo, PaymentView } from './types';

const ignoreWhileOpen = () => undefined;

export function toPayable(invoice: Invoice) {
  return { id: invoice.id, number: invoice.number, currency: invoice.currency, amountRemaining: invoice.amountRemaining, dueDate: invoice.dueDate };
}

/**
 * The invoice page's pay action: a Pay button only when the server says the invoice is payable,
 * otherwise the server's reason. Also shows the outcome of a payment Stripe redirected back from
 * (`?payment=<id>`).
 */
export function InvoicePayAction({ invoice, info, onChanged }: { invoice: Invoice; info: InvoicePaymentInfo; onChanged: () => void }) {
  const [open, setOpen] = useState(false);
  const [params, setParams] = useSearchParams();
  const resumeId = params.get('payment');
  const buttonFocused = useRef(false);
  const reasonRef = useRef<HTMLParagraphElement>(null);

  // Paid (or now in flight) while the Pay button had focus: the button goes, focus must not vanish.
  useEffect(() => {
    if (info.payable || !buttonFocused.current) return;
    buttonFocused.current = false;
    (reasonRef.current ?? document.getElementById('main'))?.focus();
  }, [info.payable]);

  function close() {
    setOpen(false);
    if (resumeId) {
      setParams(
        (current) => {
          const next = new URLSearchParams(current);
          next.delete('payment');
          return next;
        },
        { replace: true },
      );
    }
    onChanged();
  }

  return (
    <div className="pay-action">
      {info.payable ? (
        <button
          type="button"
          className="btn btn--primary btn--lg btn--block"
          onClick={() => setOpen(true)}
          onFocus={() => (buttonFocused.current = true)}
          onBlur={() => (buttonFocused.current = false)}
        >
          Pay {formatMoney(invoice.amountRemaining, invoice.currency)}
        </button>
      ) : (
        info.payBlockedReason &&
        !info.paymentInFlight && (
          <p className="pay-action__reason" tabIndex={-1} ref={reasonRef}>
            {info.payBlockedReason}
          </p>
        )
      )}
      {(open || resumeId) && (
        <PayDialog
          invoices={resumeId ? [] : [toPayable(invoice)]}
          resumePaymentId={resumeId}
          returnPath={`/invoices/${encodeURIComponent(invoice.id)}`}
          onClose={close}
          // Reloading the invoice now would unmount this page (and the dialog) while it loads; the
          // page reloads once the dialog closes instead.
          onChanged={ignoreWhileOpen}
        />
      )}
    </div>
  );
}

/** "Check status" for a payment in flight: asks the server to re-read it from Stripe. */
export function CheckPaymentStatus({ payment, onChanged }: { payment: PaymentView; onChanged: () => void }) {
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);

  async function check() {
    if (busy) return;
    setBusy(true);
    setMessage(null);
    try {
      const current = await refreshPayment(payment.id);
      if (current.status === payment.status) setMessage('No change yet.');
      onChanged();
    } catch (error) {
      setMessage(`We couldn’t check the payment. ${describeError(error)}`);
    }
    setBusy(false);
  }

  return (
    <span className="check-status">
      <button type="button" className="btn btn--secondary btn--sm" onClick={check} disabled={busy}>
        {busy ? 'Checking…' : 'Check status'}
      </button>
      <span className="check-status__message" role="status">
        {message}
      </span>
    </span>
  );
}
