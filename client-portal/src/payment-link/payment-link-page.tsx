import type { StripeError } from '@stripe/stripe-js';
import { useEffect, useId, useRef, useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { useParams, useSearchParams } from 'react-router-dom';
import { isApiError } from '../../../ui-kit/api-client';
import { Brand } from '../../../ui-kit/components/brand';
import { describeError, ErrorState } from '../../../ui-kit/components/error-state';
import { Loading } from '../../../ui-kit/components/loading';
import { formatDate } from '../../../ui-kit/dates';
import { formatMoney } from '../../../ui-kit/money';
import { useResource } from '../../../ui-kit/use-resource';
import { ConfirmNewMethod } from '../pay/confirm-new-method';
import { PaymentOutcome } from '../pay/payment-outcome';
import type { MethodType, PaymentLinkResponse, PaymentView } from '../pay/types';
import { createLinkPayment, getPaymentLink, refreshLinkPayment } from './link-api';

type Step =
  | { kind: 'choose' }
  | { kind: 'working'; label: string }
  | { kind: 'collect'; payment: PaymentView; clientSecret: string }
  | { kind: 'done'; payment: PaymentView };

/** The public frame: the MSP's name on top, nothing about the client, a quiet footer. */
function LinkFrame({ mspName, children }: { mspName: string | null; children: ReactNode }) {
  return (
    <div className="link-page">
      <header className="link-page__header">{mspName ? <Brand name={mspName} initialMark /> : <Brand />}</header>
      <main className="link-page__main" id="main">
        {children}
      </main>
      <footer className="link-page__footer">
        <svg viewBox="0 0 16 16" aria-hidden="true" focusable="false">
          <rect x="3.5" y="7" width="9" height="6.5" rx="1.5" fill="none" stroke="currentColor" strokeWidth="1.3" />
          <path d="M5.5 7V5.5a2.5 2.5 0 0 1 5 0V7" fill="none" stroke="currentColor" strokeWidth="1.3" />
        </svg>
        Secure payment processed by Stripe · Billing by Settle
      </footer>
    </div>
  );
}

function InvalidLink() {
  return (
    <LinkFrame mspName={null}>
      <title>Payment link no longer valid</title>
      <div className="card link-card">
        <div className="state">
          <svg className="state__icon state__icon--muted" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <path d="M9.5 14.5 14.5 9.5M10.5 6.5l1.8-1.8a4 4 0 0 1 5.7 5.7l-1.8 1.8M13.5 17.5l-1.8 1.8a4 4 0 0 1-5.7-5.7l1.8-1.8" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
          </svg>
          <h1 className="state__title">This payment link is no longer valid</h1>
          <div className="state__text">
            The invoice may already be paid, or the link was replaced with a new one. If you still need to pay, ask the business that
            sent it for a current link.
          </div>
        </div>
      </div>
    </LinkFrame>
  );
}

function LinkPayment({ token, data, onChanged }: { token: string; data: PaymentLinkResponse; onChanged: () => void }) {
  const { invoice, mspName, stripe: config } = data;
  const [params, setParams] = useSearchParams();
  const resumeId = params.get('payment');
  const initialPayment = data.payment && ['processing', 'succeeded'].includes(data.payment.status) ? data.payment : null;
  const [step, setStep] = useState<Step>(() =>
    resumeId ? { kind: 'working', label: 'Checking your payment…' } : initialPayment ? { kind: 'done', payment: initialPayment } : { kind: 'choose' },
  );
  const [methodType, setMethodType] = useState<MethodType>(config.methods.card || !config.methods.usBankAccount ? 'card' : 'us_bank_account');
  const [error, setError] = useState<string | null>(null);
  const submitting = useRef(false);
  const formId = useId();
  const money = (amount: number) => formatMoney(amount, invoice.currency);

  useEffect(() => {
    if (!resumeId) return;
    let active = true;
    refreshLinkPayment(token, resumeId).then(
      (payment) => {
        if (active) setStep({ kind: 'done', payment });
      },
      (cause: unknown) => {
        if (!active) return;
        setStep({ kind: 'choose' });
        setError(`We couldn’t check that payment. ${describeError(cause)}`);
      },
    );
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        next.delete('payment');
        return next;
      },
      { replace: true },
    );
    return () => {
      active = false;
    };
    // Only once, for the payment in the address when the page opened.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  async function start(event: FormEvent) {
    event.preventDefault();
    if (submitting.current) return;
    submitting.current = true;
    setError(null);
    setStep({ kind: 'working', label: 'Preparing the secure payment form…' });
    try {
      const created = await createLinkPayment(token, methodType);
      if (!created.clientSecret) throw new Error('The payment could not be started. Try again in a moment.');
      setStep({ kind: 'collect', payment: created.payment, clientSecret: created.clientSecret });
    } catch (cause) {
      if (isApiError(cause) && cause.code === 'PAYMENT_LINK_INVALID') {
        onChanged();
        return;
      }
      setStep({ kind: 'choose' });
      setError(cause instanceof Error && !isApiError(cause) ? cause.message : describeError(cause));
    }
    submitting.current = false;
  }

  async function confirmed(payment: PaymentView, stripeError: StripeError | null) {
    const current = await refreshLinkPayment(token, payment.id);
    if (stripeError && current.status === 'pending') {
      throw new Error(stripeError.message ?? 'Your payment details were declined. Try another card or account.');
    }
    setStep({ kind: 'done', payment: current });
  }

  function tryAgain() {
    submitting.current = false;
    setError(null);
    setStep({ kind: 'choose' });
  }

  const returnUrl = (paymentId: string) => {
    const url = new URL(window.location.href);
    url.search = '';
    url.searchParams.set('payment', paymentId);
    return url.toString();
  };

  let pay: ReactNode;
  if (step.kind === 'done') {
    pay = (
      <PaymentOutcome
        payment={step.payment}
        payee={mspName}
        retryAction={
          <button type="button" className="btn btn--primary" onClick={tryAgain}>
            Try another payment method
          </button>
        }
      />
    );
  } else if (step.kind === 'working') {
    pay = (
      <div className="loading pay-working" role="status" aria-live="polite">
        <span className="spinner" aria-hidden="true" />
        <span className="loading__label">{step.label}</span>
      </div>
    );
  } else if (step.kind === 'collect') {
    const payment = step.payment;
    pay = (
      <div className="stack stack--tight">
        {payment.methodType === 'us_bank_account' && (
          <p className="field__hint">Bank payments usually take 4 business days to clear. The invoice shows as processing until then.</p>
        )}
        <ConfirmNewMethod
          config={config}
          clientSecret={step.clientSecret}
          submitLabel={`Pay ${formatMoney(payment.amount, payment.currency)}`}
          returnUrl={returnUrl(payment.id)}
          onConfirmed={(stripeError) => confirmed(payment, stripeError)}
          secondaryAction={{ label: 'Back', onClick: tryAgain }}
        />
      </div>
    );
  } else if (invoice.amountRemaining <= 0 || !['open', 'partially_paid'].includes(invoice.status)) {
    pay = (
      <p className="callout callout--neutral">
        {invoice.status === 'processing'
          ? 'A payment for this invoice is processing — bank payments usually take 4 business days. Nothing more to pay right now.'
          : 'There is nothing to pay on this invoice right now.'}
      </p>
    );
  } else {
    const achAvailable = config.methods.usBankAccount;
    pay = (
      <form className="pay-form" onSubmit={start} noValidate>
        <fieldset className="method-options">
          <legend className="pay-section-title">Pay with</legend>
          {config.methods.card && (
            <label className="method-option" htmlFor={`${formId}-card`}>
              <input type="radio" id={`${formId}-card`} name="method" checked={methodType === 'card'} onChange={() => setMethodType('card')} />
              <span className="method-option__text">
                <span className="method-option__label">Card</span>
                <span className="method-option__hint">Credit or debit card · charged right away</span>
              </span>
            </label>
          )}
          <label className={achAvailable ? 'method-option' : 'method-option is-disabled'} htmlFor={`${formId}-bank`}>
            <input
              type="radio"
              id={`${formId}-bank`}
              name="method"
              checked={methodType === 'us_bank_account'}
              disabled={!achAvailable}
              onChange={() => setMethodType('us_bank_account')}
            />
            <span className="method-option__text">
              <span className="method-option__label">Bank account (ACH)</span>
              <span className="method-option__hint">
                {achAvailable
                  ? 'US checking or savings · usually clears in 4 business days'
                  : (config.methods.usBankAccountUnavailableReason ?? 'Bank account payments are not available.')}
              </span>
            </span>
          </label>
        </fieldset>
        {error && (
          <p className="alert alert--error" role="alert">
            {error}
          </p>
        )}
        <div className="pay-actions">
          <button type="submit" className="btn btn--primary btn--lg">
            {methodType === 'card' ? 'Continue to card details' : 'Continue to bank details'}
          </button>
        </div>
      </form>
    );
  }

  return (
    <LinkFrame mspName={mspName}>
      <title>{`Pay invoice ${invoice.number} · ${mspName}`}</title>
      <div className="card link-card">
        <div className="link-card__summary">
          <p className="link-card__eyebrow">Invoice from {mspName}</p>
          <h1 className="link-card__title">Invoice {invoice.number}</h1>
          <dl className="link-card__facts">
            <div>
              <dt>Issued</dt>
              <dd>{formatDate(invoice.issuedAt)}</dd>
            </div>
            <div>
              <dt>Due</dt>
              <dd>{formatDate(invoice.dueDate)}</dd>
            </div>
            <div>
              <dt>Invoice total</dt>
              <dd className="num">{money(invoice.total)}</dd>
            </div>
          </dl>
          <div className="link-card__due">
            <span>Amount due</span>
            <strong className="num">{money(Math.max(0, invoice.amountRemaining))}</strong>
          </div>
        </div>
        <section className="link-card__pay" aria-label="Payment">
          {pay}
        </section>
      </div>
    </LinkFrame>
  );
}

/** `/portal/pay/:token`: pay one invoice without signing in. Shows only that invoice. */
export function PaymentLinkPage() {
  const { token = '' } = useParams();
  const link = useResource(`payment-link:${token}`, (signal) => getPaymentLink(token, signal));

  if (link.error) {
    if (isApiError(link.error) && (link.error.code === 'PAYMENT_LINK_INVALID' || link.error.status === 404)) return <InvalidLink />;
    return (
      <LinkFrame mspName={null}>
        <title>Payment link</title>
        <div className="card link-card">
          <ErrorState error={link.error} title="We couldn’t open this payment link" onRetry={link.reload} />
        </div>
      </LinkFrame>
    );
  }
  if (!link.data) return <Loading label="Loading invoice…" fullPage />;
  return <LinkPayment token={token} data={link.data} onChanged={link.reload} />;
}
