import { Link, useParams } from 'react-router-dom';
import { isApiError } from '../../../ui-kit/api-client';
import { EmptyState } from '../../../ui-kit/components/empty-state';
import { ErrorState } from '../../../ui-kit/components/error-state';
import { Loading } from '../../../ui-kit/components/loading';
import { PageHeader } from '../../../ui-kit/components/page-header';
import { formatTimestamp } from '../../../ui-kit/dates';
import { formatMoney } from '../../../ui-kit/money';
import { useResource } from '../../../ui-kit/use-resource';
import { api } from '../api';
import { useSession } from '../auth/session';
import { methodText } from '../pay/payment-words';
import type { Receipt } from '../pay/types';

const BACK = { to: '/invoices', label: 'Invoices' };

function useReceipt(paymentId: string) {
  return useResource(`receipt:${paymentId}`, (signal) =>
    api.get<{ receipt: Receipt }>(`/receipts/${encodeURIComponent(paymentId)}`, { signal }),
  );
}

function PrintIcon() {
  return (
    <svg className="btn__icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <path
        d="M4.5 6V2.5h7V6M4.5 11.5h-2v-5h11v5h-2M4.5 9.5h7v4h-7z"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.4"
        strokeLinejoin="round"
      />
    </svg>
  );
}

/** A printable receipt for one succeeded payment: who paid whom, when, how, and for which invoices. */
export function ReceiptPage() {
  const { paymentId = '' } = useParams();
  const session = useSession();
  const { data, error, reload } = useReceipt(paymentId);

  if (error) {
    const notFound = isApiError(error) && error.status === 404;
    return (
      <>
        <title>{`Receipt · ${session.msp.name}`}</title>
        <PageHeader back={BACK} title="Receipt" />
        <div className="card">
          {notFound ? (
            <EmptyState
              title="This receipt isn’t available"
              action={
                <Link className="btn btn--secondary" to="/invoices?filter=all">
                  See all invoices
                </Link>
              }
            >
              Receipts appear once a payment has gone through. Bank payments usually take 4 business days to clear; we email the
              receipt when they do.
            </EmptyState>
          ) : (
            <ErrorState error={error} title="We couldn’t load this receipt" onRetry={reload} />
          )}
        </div>
      </>
    );
  }

  if (!data) {
    return (
      <>
        <title>{`Receipt · ${session.msp.name}`}</title>
        <Loading label="Loading receipt…" />
      </>
    );
  }

  const { payment, mspName, clientName, invoices } = data.receipt;
  const money = (amount: number) => formatMoney(amount, payment.currency);
  const paidAt = formatTimestamp(payment.succeededAt ?? payment.createdAt);
  return (
    <>
      <title>{`Receipt · ${mspName}`}</title>
      <PageHeader
        back={BACK}
        title="Receipt"
        description={`Payment of ${money(payment.amount)} on ${paidAt}`}
        actions={
          <button type="button" className="btn btn--secondary" onClick={() => window.print()}>
            <PrintIcon />
            Print
          </button>
        }
      />
      <article className="card receipt" aria-labelledby="receipt-title">
        <header className="receipt__header">
          <div>
            <p className="receipt__msp">{mspName}</p>
            <h2 className="receipt__title" id="receipt-title">
              Payment receipt
            </h2>
          </div>
          <div className="receipt__paid">
            <span className="receipt__paid-label">Amount paid</span>
            <span className="receipt__paid-value num">{money(payment.amount)}</span>
          </div>
        </header>
        <dl className="definition-list receipt__facts">
          <div>
            <dt>Received from</dt>
            <dd>{clientName}</dd>
          </div>
          <div>
            <dt>Paid to</dt>
            <dd>{mspName}</dd>
          </div>
          <div>
            <dt>Date paid</dt>
            <dd>{paidAt}</dd>
          </div>
          <div>
            <dt>Payment method</dt>
            <dd>{methodText(payment)}</dd>
          </div>
          <div>
            <dt>Receipt number</dt>
            <dd className="mono">{payment.id.slice(0, 8).toUpperCase()}</dd>
          </div>
        </dl>
        <table className="table receipt__table">
          <caption className="sr-only">Invoices paid</caption>
          <thead>
            <tr>
              <th scope="col">Invoice</th>
              <th scope="col" className="is-numeric">
                Paid now
              </th>
              <th scope="col" className="is-numeric">
                Remaining balance
              </th>
            </tr>
          </thead>
          <tbody>
            {invoices.map((invoice) => (
              <tr key={invoice.number}>
                <th scope="row" className="receipt__invoice">
                  {invoice.number}
                </th>
                <td className="is-numeric">{money(invoice.amount)}</td>
                <td className="is-numeric">
                  {invoice.remaining > 0 ? money(invoice.remaining) : <span className="amount-zero">{money(0)} · paid in full</span>}
                </td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">Total paid</th>
              <td className="is-numeric is-strong">{money(payment.amount)}</td>
              <td />
            </tr>
          </tfoot>
        </table>
        <p className="receipt__thanks">Thank you for your payment. Questions about this receipt? Contact {mspName}.</p>
      </article>
    </>
  );
}
