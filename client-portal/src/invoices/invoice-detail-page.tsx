import type { ReactNode } from 'react';
import { Link, useParams } from 'react-router-dom';
import { isApiError } from '../../../ui-kit/api-client';
import { EmptyState } from '../../../ui-kit/components/empty-state';
import { ErrorState } from '../../../ui-kit/components/error-state';
import { Loading } from '../../../ui-kit/components/loading';
import { PageHeader } from '../../../ui-kit/components/page-header';
import { StatusBadge } from '../../../ui-kit/components/status-badge';
import { formatDate } from '../../../ui-kit/dates';
import { isInvoicePaid } from '../../../ui-kit/invoice-status';
import { formatMoney } from '../../../ui-kit/money';
import type { Invoice } from '../../../ui-kit/types';
import { useSession } from '../auth/session';
import { CheckPaymentStatus, InvoicePayAction } from '../pay/invoice-pay-action';
import { PaymentHistory } from '../pay/payment-history';
import { InvoiceStatusCallout } from './invoice-status-callout';
import { useInvoiceDetail } from '../pay/use-invoice-detail';

const BACK = { to: '/invoices', label: 'Invoices' };

function AmountsCard({ invoice, action }: { invoice: Invoice; action?: ReactNode }) {
  const money = (amount: number) => formatMoney(amount, invoice.currency);
  const paidInFull = isInvoicePaid(invoice.status);
  const headline =
    invoice.status === 'void'
      ? 'Nothing due'
      : paidInFull
        ? 'Paid'
        : invoice.status === 'processing'
          ? 'Payment processing'
          : invoice.overdue
            ? 'Overdue'
            : 'Amount due';
  const headlineAmount = paidInFull ? invoice.amountPaid : invoice.status === 'void' ? 0 : invoice.amountRemaining;

  return (
    <section className="card" aria-labelledby="amounts-title">
      <div className="card__body invoice-amounts">
        <div>
          <h2 className="invoice-amounts__label" id="amounts-title">
            {headline}
          </h2>
          <p className={invoice.overdue && !paidInFull ? 'invoice-amounts__value amount-danger' : 'invoice-amounts__value'}>
            {money(headlineAmount)}
          </p>
        </div>
        <dl className="invoice-amounts__breakdown">
          <div>
            <dt>Invoice total</dt>
            <dd className="num">{money(invoice.total)}</dd>
          </div>
          <div>
            <dt>Paid</dt>
            <dd className="num">{money(invoice.amountPaid)}</dd>
          </div>
          <div className="invoice-amounts__total">
            <dt>Remaining</dt>
            <dd className="num">{money(Math.max(0, invoice.amountRemaining))}</dd>
          </div>
        </dl>
        {action}
      </div>
    </section>
  );
}

function DetailsCard({ invoice, mspName, clientName }: { invoice: Invoice; mspName: string; clientName: string }) {
  return (
    <section className="card" aria-labelledby="details-title">
      <div className="card__header">
        <h2 className="card__title" id="details-title">
          Details
        </h2>
      </div>
      <div className="card__body">
        <dl className="definition-list">
          <div>
            <dt>Invoice number</dt>
            <dd>{invoice.number}</dd>
          </div>
          <div>
            <dt>Reference</dt>
            <dd className="mono">{invoice.psaRef}</dd>
          </div>
          <div>
            <dt>Issued</dt>
            <dd>{formatDate(invoice.issuedAt, undefined, 'long')}</dd>
          </div>
          <div>
            <dt>Due</dt>
            <dd>{formatDate(invoice.dueDate, undefined, 'long')}</dd>
          </div>
          <div>
            <dt>Billed by</dt>
            <dd>{mspName}</dd>
          </div>
          <div>
            <dt>Billed to</dt>
            <dd>{clientName}</dd>
          </div>
          <div>
            <dt>Currency</dt>
            <dd>{invoice.currency.toUpperCase()}</dd>
          </div>
        </dl>
      </div>
    </section>
  );
}

/** One invoice: where it stands, the amounts, and its dates and references. */
export function InvoiceDetailPage() {
  const { invoiceId = '' } = useParams();
  const session = useSession();
  const { data, error, reload } = useInvoiceDetail(invoiceId);

  if (error) {
    const notFound = isApiError(error) && error.status === 404;
    return (
      <>
        <title>{`Invoice · ${session.msp.name}`}</title>
        <PageHeader back={BACK} title={notFound ? 'Invoice not found' : 'Invoice'} />
        <div className="card">
          {notFound ? (
            <EmptyState
              title="We couldn’t find this invoice"
              action={
                <Link className="btn btn--secondary" to="/invoices?filter=all">
                  See all invoices
                </Link>
              }
            >
              The link may be wrong, or the invoice may belong to a different account.
            </EmptyState>
          ) : (
            <ErrorState error={error} title="We couldn’t load this invoice" onRetry={reload} />
          )}
        </div>
      </>
    );
  }

  if (!data) {
    return (
      <>
        <title>{`Invoice · ${session.msp.name}`}</title>
        <Loading label="Loading invoice…" />
      </>
    );
  }

  const { invoice } = data;
  const { paymentInFlight } = invoice;
  return (
    <>
      <title>{`Invoice ${invoice.number} · ${session.msp.name}`}</title>
      <PageHeader
        back={BACK}
        title={
          <>
            <span>Invoice {invoice.number}</span>
            <StatusBadge invoice={invoice} />
          </>
        }
        description={`Issued ${formatDate(invoice.issuedAt)} · Due ${formatDate(invoice.dueDate)}`}
      />
      <div className="stack">
        <InvoiceStatusCallout
          invoice={invoice}
          mspName={session.msp.name}
          paymentInFlight={paymentInFlight}
          action={paymentInFlight && <CheckPaymentStatus payment={paymentInFlight} onChanged={reload} />}
        />
        <div className="invoice-grid">
          <AmountsCard invoice={invoice} action={<InvoicePayAction invoice={invoice} info={invoice} onChanged={reload} />} />
          <DetailsCard invoice={invoice} mspName={session.msp.name} clientName={session.client.name} />
        </div>
        <PaymentHistory payments={invoice.payments} invoiceId={invoice.id} />
      </div>
    </>
  );
}
