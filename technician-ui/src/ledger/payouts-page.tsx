import { useId, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { isApiError } from '../../../ui-kit/api-client';
import { EmptyState } from '../../../ui-kit/components/empty-state';
import { ErrorState } from '../../../ui-kit/components/error-state';
import { Loading } from '../../../ui-kit/components/loading';
import { PageHeader } from '../../../ui-kit/components/page-header';
import { StatCard } from '../../../ui-kit/components/stat-card';
import { TableRegion } from '../../../ui-kit/components/table-region';
import { formatDate, formatTimestamp } from '../../../ui-kit/dates';
import { formatMoney } from '../../../ui-kit/money';
import { Field } from './form-dialog';
import { usePayout, usePayouts } from './use-ledger';
import './ledger.css';

const TYPE: Record<string, string> = { charge: 'Card payment', payment: 'Bank payment', refund: 'Refund', refund_failure: 'Refund failed (money back)', adjustment: 'Dispute', payout: 'Payout', stripe_fee: 'Stripe fee' };
const csvUrl = (path: string) => `/api/app${path}`;

/** Payouts to the MSP's bank, with what each one was made of, and CSV exports for the accountant. */
export function PayoutsPage() {
  const id = useId();
  const [range, setRange] = useState({ from: '', to: '' });
  const { data, error, reload } = usePayouts(range);
  const query = new URLSearchParams(Object.entries(range).filter(([, v]) => v !== '')).toString();
  return (
    <>
      <title>Payouts · Settle</title>
      <PageHeader
        title="Payouts"
        description="What Stripe paid into your bank account, and which payments, refunds, disputes and fees each payout settled."
        actions={
          <a className="btn btn--secondary" href={csvUrl(`/payouts/export.csv${query ? `?${query}` : ''}`)} download>
            Download CSV
          </a>
        }
      />
      <div className="ledger-toolbar" role="group" aria-label="Arrival dates">
        <Field id={`${id}-from`} label="Arriving from">
          <input id={`${id}-from`} type="date" className="input" value={range.from} onChange={(e) => setRange({ ...range, from: e.target.value })} />
        </Field>
        <Field id={`${id}-to`} label="to">
          <input id={`${id}-to`} type="date" className="input" value={range.to} min={range.from || undefined} onChange={(e) => setRange({ ...range, to: e.target.value })} />
        </Field>
      </div>
      {error ? (
        <div className="card"><ErrorState error={error} title="We couldn’t load payouts" onRetry={reload} /></div>
      ) : !data ? (
        <Loading label="Loading payouts…" />
      ) : data.payouts.length === 0 ? (
        <div className="card"><EmptyState title="No payouts">Payouts appear here when Stripe pays your balance into your bank account.</EmptyState></div>
      ) : (
        <TableRegion label="Payouts">
          <table className="table">
            <thead><tr><th scope="col">Arrives</th><th scope="col" className="is-numeric">Gross</th><th scope="col" className="is-numeric">Fees</th><th scope="col" className="is-numeric">Refunds</th><th scope="col" className="is-numeric">Disputes</th><th scope="col" className="is-numeric">Net paid out</th><th scope="col">Status</th></tr></thead>
            <tbody>
              {data.payouts.map((p) => (
                <tr key={p.id}>
                  <td><Link to={`/payouts/${p.id}`}>{p.arrivalDate ? formatDate(p.arrivalDate.slice(0, 10)) : '—'}</Link></td>
                  <td className="is-numeric">{formatMoney(p.gross, p.currency)}</td>
                  <td className="is-numeric">{formatMoney(p.fees ? -p.fees : 0, p.currency)}</td>
                  <td className="is-numeric">{formatMoney(p.refunds, p.currency)}</td>
                  <td className="is-numeric">{formatMoney(p.disputes, p.currency)}</td>
                  <td className="is-numeric is-strong">{formatMoney(p.amount, p.currency)}</td>
                  <td>{p.imported ? `Paid · ${p.transactionCount} transactions` : 'Importing…'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      )}
    </>
  );
}

export function PayoutPage() {
  const { payoutId = '' } = useParams();
  const { data, error, reload } = usePayout(payoutId);
  if (error) {
    const notFound = isApiError(error) && error.status === 404;
    return (
      <>
        <PageHeader back={{ to: '/payouts', label: 'Payouts' }} title={notFound ? 'Payout not found' : 'Payout'} />
        <div className="card">{notFound ? <EmptyState title="This payout doesn’t exist">The link may be wrong.</EmptyState> : <ErrorState error={error} title="We couldn’t load this payout" onRetry={reload} />}</div>
      </>
    );
  }
  if (!data) return <Loading label="Loading payout…" />;
  const { payout, transactions } = data;
  const m = (v: number) => formatMoney(v, payout.currency);
  return (
    <>
      <title>{`Payout ${m(payout.amount)} · Settle`}</title>
      <PageHeader
        back={{ to: '/payouts', label: 'Payouts' }}
        title={`${m(payout.amount)} paid out`}
        description={`${payout.arrivalDate ? `Arrives ${formatDate(payout.arrivalDate.slice(0, 10))}` : ''} · Stripe payout ${payout.stripePayoutId}`}
        actions={<a className="btn btn--secondary" href={csvUrl(`/payouts/${payout.id}/export.csv`)} download>Download CSV</a>}
      />
      <div className="stats">
        <StatCard label="Gross" value={m(payout.gross)} hint="Payments received" />
        <StatCard label="Fees" value={m(payout.fees ? -payout.fees : 0)} hint="Stripe processing and dispute fees" />
        <StatCard label="Refunds and disputes" value={m(payout.refunds + payout.disputes)} tone={payout.refunds + payout.disputes < 0 ? 'danger' : 'default'} hint={`${m(payout.refunds)} refunds · ${m(payout.disputes)} disputes`} />
        <StatCard label="Net" value={m(payout.net)} tone="success" hint="Paid into your bank" />
      </div>
      <section className="section" aria-labelledby="txn-title">
        <h2 className="section__title" id="txn-title">What it settled</h2>
        <TableRegion label="Balance transactions">
          <table className="table">
            <thead><tr><th scope="col">Date</th><th scope="col">Type</th><th scope="col">Client</th><th scope="col">Invoices</th><th scope="col" className="is-numeric">Amount</th><th scope="col" className="is-numeric">Fee</th><th scope="col" className="is-numeric">Net</th></tr></thead>
            <tbody>
              {transactions.map((t) => (
                <tr key={t.id}>
                  <td>{formatTimestamp(t.createdAt)}</td>
                  <td>{TYPE[t.type] ?? t.type.replaceAll('_', ' ')}</td>
                  <td>{t.paymentId ? <Link to={`/payments/${t.paymentId}`}>{t.clientName ?? 'Payment'}</Link> : (t.clientName ?? '—')}</td>
                  <td>{t.invoiceNumbers.join(', ') || '—'}</td>
                  <td className="is-numeric">{m(t.amount)}</td>
                  <td className="is-numeric">{m(t.fee ? -t.fee : 0)}</td>
                  <td className="is-numeric is-strong">{m(t.net)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      </section>
    </>
  );
}
