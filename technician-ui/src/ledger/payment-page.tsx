import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { isApiError } from '../../../ui-kit/api-client';
import { EmptyState } from '../../../ui-kit/components/empty-state';
import { ErrorState } from '../../../ui-kit/components/error-state';
import { Loading } from '../../../ui-kit/components/loading';
import { PageHeader } from '../../../ui-kit/components/page-header';
import { TableRegion } from '../../../ui-kit/components/table-region';
import { formatTimestamp } from '../../../ui-kit/dates';
import { formatMoney } from '../../../ui-kit/money';
import { AllocationStateBadge, DisputeStatusBadge, EvidenceDue, PaymentStatusBadge, RefundStatusBadge, RULE_LABEL } from './payment-status';
import { RefundDialog } from './refund-dialog';
import type { PaymentDetailView } from './types';
import { usePayment } from './use-ledger';
import './ledger.css';

const SOURCE: Record<string, string> = { portal: 'Client portal', autopay: 'Autopay', link: 'Payment link', technician: 'Technician', bank_transfer: 'Bank transfer', offline: 'Recorded by a technician', stripe: 'Stripe (made outside Settle)' };

function Facts({ payment }: { payment: PaymentDetailView }) {
  const m = (v: number) => formatMoney(v, payment.currency);
  return (
    <div className="card">
      <div className="card__body">
        <dl className="ledger-facts">
          <div><dt>Amount</dt><dd>{m(payment.amount)}</dd></div>
          <div><dt>Applied to invoices</dt><dd>{m(payment.applied)}</dd></div>
          <div><dt>On credit</dt><dd>{m(payment.credit)}</dd></div>
          <div><dt>Refunded</dt><dd>{m(payment.amountRefunded)}</dd></div>
          <div><dt>Unapplied</dt><dd>{m(payment.unapplied)}</dd></div>
          <div><dt>Received</dt><dd>{payment.receivedAt ? formatTimestamp(payment.receivedAt) : '—'}</dd></div>
          <div><dt>How</dt><dd>{payment.methodLabel ?? SOURCE[payment.source] ?? payment.source}</dd></div>
          <div><dt>Source</dt><dd>{SOURCE[payment.source] ?? payment.source}</dd></div>
          {payment.reference && <div><dt>Reference</dt><dd>{payment.reference}</dd></div>}
          {payment.payerName && <div><dt>Payer</dt><dd>{payment.payerName}</dd></div>}
        </dl>
      </div>
    </div>
  );
}

/** One payment: where its money went (allocations with rule and confidence), refunds and disputes. */
export function PaymentPage() {
  const { paymentId = '' } = useParams();
  const { data, error, reload } = usePayment(paymentId);
  const [refunding, setRefunding] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  if (error) {
    const notFound = isApiError(error) && error.status === 404;
    return (
      <>
        <title>Payment · Settle</title>
        <PageHeader title={notFound ? 'Payment not found' : 'Payment'} back={{ to: '/exceptions', label: 'Exceptions' }} />
        <div className="card">{notFound ? <EmptyState title="This payment doesn’t exist">The link may be wrong.</EmptyState> : <ErrorState error={error} title="We couldn’t load this payment" onRetry={reload} />}</div>
      </>
    );
  }
  if (!data) return <Loading label="Loading payment…" />;
  const { payment } = data;
  const m = (v: number) => formatMoney(v, payment.currency);
  return (
    <>
      <title>{`Payment ${m(payment.amount)} · Settle`}</title>
      <PageHeader
        back={payment.clientId ? { to: `/clients/${payment.clientId}`, label: payment.clientName ?? 'Client' } : { to: '/exceptions', label: 'Exceptions' }}
        title={`${m(payment.amount)} ${payment.clientName ? `from ${payment.clientName}` : 'from an unknown payer'}`}
        meta={<PaymentStatusBadge payment={payment} />}
        actions={
          <>
            {payment.exceptionId && (
              <Link className="btn btn--secondary" to="/exceptions">
                Resolve in the exceptions queue
              </Link>
            )}
            {payment.refundable > 0 && (
              <button type="button" className="btn btn--danger-outline" onClick={() => setRefunding(true)}>
                Refund…
              </button>
            )}
          </>
        }
      />
      {notice && (
        <p className="alert alert--success" role="status">
          {notice}
        </p>
      )}
      <Facts payment={payment} />
      <section className="section" aria-labelledby="alloc-title">
        <h2 className="section__title" id="alloc-title">Invoices it paid</h2>
        {payment.allocations.length === 0 ? (
          <div className="card"><EmptyState title="Not applied to any invoice">{payment.credit > 0 ? 'The money is on the client’s credit balance.' : 'It waits in the exceptions queue.'}</EmptyState></div>
        ) : (
          <TableRegion label="Allocations">
            <table className="table">
              <thead><tr><th scope="col">Invoice</th><th scope="col" className="is-numeric">Amount</th><th scope="col">How it was matched</th><th scope="col" className="is-numeric">Confidence</th><th scope="col">State</th><th scope="col">When</th></tr></thead>
              <tbody>
                {payment.allocations.map((a) => (
                  <tr key={a.id} className={a.state === 'applied' || a.state === 'pending' ? undefined : 'is-muted'}>
                    <td className="is-strong">{a.invoiceNumber}</td>
                    <td className="is-numeric">{m(a.amount)}</td>
                    <td>{RULE_LABEL[a.rule] ?? a.rule}</td>
                    <td className="is-numeric">{Math.round(a.confidence * 100)}%</td>
                    <td><AllocationStateBadge allocation={a} /></td>
                    <td>{formatTimestamp(a.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableRegion>
        )}
      </section>
      <section className="section" aria-labelledby="refunds-title">
        <h2 className="section__title" id="refunds-title">Refunds</h2>
        {payment.refunds.length === 0 ? (
          <div className="card"><EmptyState title="No refunds">{payment.refundable > 0 ? 'Use Refund… to give money back, with a reason.' : 'Nothing can be refunded on this payment.'}</EmptyState></div>
        ) : (
          <TableRegion label="Refunds">
            <table className="table">
              <thead><tr><th scope="col" className="is-numeric">Amount</th><th scope="col">Status</th><th scope="col">Reason</th><th scope="col">Requested</th></tr></thead>
              <tbody>
                {payment.refunds.map((r) => (
                  <tr key={r.id}><td className="is-numeric">{m(r.amount)}</td><td><RefundStatusBadge refund={r} methodType={payment.methodType} /></td><td>{r.reason ?? '—'}</td><td>{formatTimestamp(r.createdAt)}</td></tr>
                ))}
              </tbody>
            </table>
          </TableRegion>
        )}
      </section>
      {payment.disputes.length > 0 && (
        <section className="section" aria-labelledby="disputes-title">
          <h2 className="section__title" id="disputes-title">Disputes</h2>
          <TableRegion label="Disputes">
            <table className="table">
              <thead><tr><th scope="col" className="is-numeric">Amount</th><th scope="col">Status</th><th scope="col">Reason</th><th scope="col">Evidence due</th></tr></thead>
              <tbody>
                {payment.disputes.map((d) => (
                  <tr key={d.id}><td className="is-numeric">{m(d.amount)}</td><td><DisputeStatusBadge dispute={d} /></td><td>{d.reason?.replaceAll('_', ' ') ?? '—'}</td><td><EvidenceDue dispute={d} /></td></tr>
                ))}
              </tbody>
            </table>
          </TableRegion>
        </section>
      )}
      <RefundDialog
        key={`${payment.id}:${payment.refundable}`}
        open={refunding}
        payment={payment}
        onClose={() => setRefunding(false)}
        onRefunded={({ refund }) => {
          setRefunding(false);
          setNotice(refund.status === 'pending' ? `Refund of ${m(refund.amount)} sent. It shows as pending until the bank confirms (up to 4 business days).` : `Refunded ${m(refund.amount)}.`);
          reload();
        }}
      />
    </>
  );
}
