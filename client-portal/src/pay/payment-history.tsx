import { Link } from 'react-router-dom';
import { Badge } from '../../../ui-kit/components/badge';
import { formatTimestamp } from '../../../ui-kit/dates';
import { formatMoney } from '../../../ui-kit/money';
import { amountForInvoice, methodText, paymentBadge } from './payment-words';
import type { PaymentView } from './types';

function Details({ payment }: { payment: PaymentView }) {
  if (payment.failure) {
    return (
      <div className="history-note">
        <span className="history-note__reason">{payment.failure.message}</span>
        <span className="history-note__next">{payment.failure.nextStep}</span>
      </div>
    );
  }
  if (payment.receiptAvailable) {
    return (
      <Link to={`/receipts/${encodeURIComponent(payment.id)}`} aria-label={`Receipt for the ${formatMoney(payment.amount, payment.currency)} payment`}>
        View receipt
      </Link>
    );
  }
  if (payment.status === 'succeeded' || payment.status === 'failed') return null;
  return <span className="history-note__next">{payment.statusText}</span>;
}

/** Every payment toward one invoice, newest first: when, how, how much, and where it stands. */
export function PaymentHistory({ payments, invoiceId }: { payments: PaymentView[]; invoiceId: string }) {
  return (
    <section className="card" aria-labelledby="payments-title">
      <div className="card__header">
        <h2 className="card__title" id="payments-title">
          Payments
        </h2>
      </div>
      {payments.length === 0 ? (
        <p className="card__body muted">No payments yet.</p>
      ) : (
        <div className="table-scroll">
          <table className="table table--stack payment-history">
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">Method</th>
                <th scope="col" className="is-numeric">
                  Amount
                </th>
                <th scope="col">Status</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {payments.map((payment) => {
                const badge = paymentBadge(payment.status);
                const amount = amountForInvoice(payment, invoiceId);
                const shared = payment.invoices.length > 1;
                return (
                  <tr key={payment.id}>
                    <td className="is-primary">
                      <span className="cell-primary__title num">{formatTimestamp(payment.succeededAt ?? payment.createdAt)}</span>
                    </td>
                    <td data-label="Method">{methodText(payment)}</td>
                    <td data-label="Amount" className="is-numeric is-strong">
                      {shared ? (
                        <span className="cell-stack">
                          <span>{formatMoney(amount, payment.currency)}</span>
                          <span className="cell-stack__sub">
                            of {formatMoney(payment.amount, payment.currency)} for {payment.invoices.length} invoices
                          </span>
                        </span>
                      ) : (
                        formatMoney(amount, payment.currency)
                      )}
                    </td>
                    <td className="is-badge" data-label="Status">
                      <Badge tone={badge.tone} title={payment.statusText}>
                        {badge.label}
                      </Badge>
                    </td>
                    <td data-label="Details" className="history-details">
                      <Details payment={payment} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
