import { useEffect, useRef, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { isApiError } from '../../../ui-kit/api-client';
import { EmptyState } from '../../../ui-kit/components/empty-state';
import { describeError, ErrorState } from '../../../ui-kit/components/error-state';
import { Loading } from '../../../ui-kit/components/loading';
import { PageHeader } from '../../../ui-kit/components/page-header';
import { formatDate } from '../../../ui-kit/dates';
import { formatMoney } from '../../../ui-kit/money';
import { useResource } from '../../../ui-kit/use-resource';
import { useSession } from '../auth/session';
import { getStripe, loadStripeConfig } from '../stripe';
import { getAuthentication, startAuthentication, type AuthenticationView } from './authenticate-api';
import './authenticate.css';

const BACK = { to: '/invoices', label: 'Invoices' };

type Step = { kind: 'idle' } | { kind: 'working'; label: string } | { kind: 'failed'; message: string };

function StateNotice({ view }: { view: AuthenticationView }) {
  switch (view.state) {
    case 'needs_authentication':
      return (
        <div className="alert alert--info">
          <strong className="alert__title">Your bank wants to confirm it’s you</strong>
          {view.message}
        </div>
      );
    case 'succeeded':
      return (
        <div className="alert alert--success" role="status">
          <strong className="alert__title">Payment received</strong>
          {view.message}
        </div>
      );
    case 'processing':
      return (
        <div className="alert alert--info" role="status">
          <strong className="alert__title">Processing</strong>
          {view.payment.statusText}
        </div>
      );
    case 'unavailable':
      return (
        <div className="alert alert--warning" role="status">
          <strong className="alert__title">This payment can’t be confirmed any more</strong>
          {view.message}
        </div>
      );
    default: {
      const unknown: never = view.state;
      return <div className="alert alert--info">{String(unknown)}</div>;
    }
  }
}

/**
 * /portal/authenticate/:paymentId — from the "Confirm your payment" email. An automatic charge the
 * card's bank would not take without the cardholder: the client sees the invoice and the amount,
 * confirms, completes the bank's check (3-D Secure) with Stripe.js, and sees it paid. If the charge
 * can no longer be confirmed, the page says so and offers to pay the invoice normally.
 */
export function AuthenticatePage() {
  const { paymentId = '' } = useParams();
  const session = useSession();
  const resource = useResource(`authentication:${paymentId}`, (signal) => getAuthentication(paymentId, signal));
  const [view, setView] = useState<AuthenticationView | null>(null);
  const [step, setStep] = useState<Step>({ kind: 'idle' });
  const noticeRef = useRef<HTMLDivElement>(null);
  const current = view ?? resource.data ?? null;

  useEffect(() => {
    if (view) noticeRef.current?.focus();
  }, [view]);

  if (resource.error) {
    const notFound = isApiError(resource.error) && resource.error.status === 404;
    return (
      <>
        <title>{`Confirm payment · ${session.msp.name}`}</title>
        <PageHeader back={BACK} title="Confirm payment" />
        <div className="card">
          {notFound ? (
            <EmptyState title="This payment isn’t available" action={<Link className="btn btn--secondary" to="/invoices">See your invoices</Link>}>
              The link may belong to another account. Sign in with the email address the message was sent to, or pay from your invoices.
            </EmptyState>
          ) : (
            <ErrorState error={resource.error} title="We couldn’t load this payment" onRetry={resource.reload} />
          )}
        </div>
      </>
    );
  }
  if (!current) return <Loading label="Checking your payment…" />;

  async function confirm() {
    if (step.kind === 'working') return;
    setStep({ kind: 'working', label: 'Contacting your bank…' });
    try {
      const started = await startAuthentication(paymentId);
      let next = started.authentication;
      if (started.clientSecret) {
        setStep({ kind: 'working', label: 'Waiting for your bank to confirm it’s you…' });
        const stripe = await getStripe(await loadStripeConfig());
        if (!stripe) throw new Error('Stripe could not be loaded. Check your connection and try again.');
        const result = await stripe.handleNextAction({ clientSecret: started.clientSecret });
        next = await getAuthentication(paymentId);
        if (result.error && next.state === 'needs_authentication') {
          setView(next);
          setStep({ kind: 'failed', message: result.error.message ?? 'Your bank could not confirm the payment. Nothing was charged; you can try again.' });
          return;
        }
      }
      setView(next);
      setStep({ kind: 'idle' });
    } catch (cause) {
      if (isApiError(cause) && cause.code === 'PAYMENT_AUTHENTICATION_UNAVAILABLE') {
        setView(await getAuthentication(paymentId).catch(() => current!));
        setStep({ kind: 'idle' });
        return;
      }
      setStep({ kind: 'failed', message: cause instanceof Error && !isApiError(cause) ? cause.message : describeError(cause) });
    }
  }

  const money = formatMoney(current.amount, current.currency);
  const payable = current.invoices.filter((i) => i.amountRemaining > 0 && (i.status === 'open' || i.status === 'partially_paid'));
  return (
    <>
      <title>{`Confirm payment · ${session.msp.name}`}</title>
      <PageHeader
        back={BACK}
        title={current.state === 'succeeded' ? 'Payment confirmed' : 'Confirm your payment'}
        description={`Automatic payment to ${session.msp.name}`}
      />
      <div className="authenticate">
        <div tabIndex={-1} ref={noticeRef} className="authenticate__notice">
          <StateNotice view={current} />
        </div>
        <section className="card" aria-labelledby="authenticate-summary">
          <div className="card__header">
            <h2 className="card__title" id="authenticate-summary">
              {money}
            </h2>
            {current.methodLabel && <p className="card__description">{current.methodLabel}</p>}
          </div>
          <div className="card__body">
            <table className="authenticate__invoices">
              <caption className="sr-only">Invoices this payment is for</caption>
              <thead>
                <tr>
                  <th scope="col">Invoice</th>
                  <th scope="col">Due</th>
                  <th scope="col" className="num">
                    Amount
                  </th>
                </tr>
              </thead>
              <tbody>
                {current.payment.invoices.map((inv) => (
                  <tr key={inv.id}>
                    <td>
                      <Link to={`/invoices/${inv.id}`}>{inv.number}</Link>
                    </td>
                    <td>{formatDate(current.invoices.find((i) => i.id === inv.id)?.dueDate ?? '', undefined, 'long')}</td>
                    <td className="num">{formatMoney(inv.amount, current.currency)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {step.kind === 'failed' && (
              <div className="alert alert--error" role="alert">
                {step.message}
              </div>
            )}
            <div className="form-actions">
              {current.state === 'needs_authentication' && (
                <button type="button" className="btn btn--primary" onClick={() => void confirm()} aria-disabled={step.kind === 'working'}>
                  {step.kind === 'working' ? step.label : `Confirm and pay ${money}`}
                </button>
              )}
              {current.state === 'succeeded' && (
                <Link className="btn btn--primary" to={`/receipts/${current.paymentId}`}>
                  View receipt
                </Link>
              )}
              {current.state === 'unavailable' &&
                payable.map((inv) => (
                  <Link key={inv.id} className="btn btn--primary" to={`/invoices/${inv.id}`}>
                    {`Pay invoice ${inv.number}`}
                  </Link>
                ))}
              <Link className="btn btn--secondary" to="/invoices">
                Back to invoices
              </Link>
            </div>
            {current.state === 'needs_authentication' && (
              <p className="muted authenticate__fine-print">
                Your bank may show a window asking you to approve the payment, for example with a code sent to your phone. You are charged
                only once, even if you press the button twice.
              </p>
            )}
          </div>
        </section>
      </div>
    </>
  );
}
