import { useEffect, useId, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { describeError, ErrorState } from '../../../ui-kit/components/error-state';
import { Loading } from '../../../ui-kit/components/loading';
import { PageHeader } from '../../../ui-kit/components/page-header';
import { useSession } from '../auth/session';
import { useStripeConfig } from '../stripe/use-stripe-config';
import { usePaymentMethods } from './api';
import { MethodIcon } from './icons';
import type { NoticeState } from './payment-methods-page';
import { SetupForm } from './setup-form';
import type { PaymentMethodView } from './types';
import { useSetup } from './use-setup';

const BACK = { to: '/payment-methods', label: 'Payment methods' };

/** Step 1: the ACH debit authorization, which must be shown and explicitly accepted first. */
function MandateStep({ mandateText, mspName, starting, startError, onAccept }: { mandateText: string; mspName: string; starting: boolean; startError: unknown; onAccept: () => void }) {
  const [accepted, setAccepted] = useState(false);
  const [showError, setShowError] = useState(false);
  const checkboxRef = useRef<HTMLInputElement>(null);
  const textId = useId();
  const errorId = useId();

  function handleSubmit(event: FormEvent) {
    event.preventDefault();
    if (starting) return;
    if (!accepted) {
      setShowError(true);
      checkboxRef.current?.focus();
      return;
    }
    onAccept();
  }

  return (
    <form className="form card__body" onSubmit={handleSubmit} noValidate>
      <p>
        {mspName} will save this account to debit it for your invoices — when you pay, or through autopay if you turn it on. Please read the
        authorization below.
      </p>
      <div className="mandate-box" id={textId} tabIndex={0} role="region" aria-label="Bank debit authorization">
        {mandateText}
      </div>
      <div className="field">
        <label className="checkbox">
          <input
            ref={checkboxRef}
            type="checkbox"
            checked={accepted}
            onChange={(e) => {
              setAccepted(e.target.checked);
              if (e.target.checked) setShowError(false);
            }}
            aria-invalid={showError}
            aria-describedby={showError ? `${errorId} ${textId}` : textId}
          />
          <span>I authorize {mspName} to debit my bank account as described above.</span>
        </label>
        {showError && (
          <p className="field__error" id={errorId} role="alert">
            Tick the box to authorize the debits, or go back if you’d rather not save a bank account.
          </p>
        )}
      </div>
      {startError !== null && startError !== undefined && (
        <div className="alert alert--error" role="alert">
          We couldn’t start adding your bank account. {describeError(startError)}
        </div>
      )}
      <div className="form-actions">
        <button type="submit" className="btn btn--primary" disabled={starting}>
          {starting ? 'Preparing…' : 'Continue'}
        </button>
        <Link className="btn btn--secondary" to="/payment-methods">
          Cancel
        </Link>
      </div>
    </form>
  );
}

/**
 * Save a US bank account: the ACH authorization (explicit checkbox), then the Payment Element for a
 * bank SetupIntent. Instant verification lands on Verified; otherwise the page for micro-deposits.
 */
export function AddBankPage() {
  const session = useSession();
  const navigate = useNavigate();
  const stripe = useStripeConfig();
  const list = usePaymentMethods();
  const { state, start, reset } = useSetup('us_bank_account');
  const [failure, setFailure] = useState<string | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const ready = state.status === 'ready';

  // Keyboard and screen-reader users continue at the new step's heading.
  useEffect(() => {
    if (ready) headingRef.current?.focus();
  }, [ready]);

  function handleSaved(method: PaymentMethodView) {
    if (method.status === 'active') {
      navigate('/payment-methods', { state: { notice: `${method.label} is verified and ready to use.` } satisfies NoticeState });
    } else if (method.status === 'pending_verification' && method.verification) {
      navigate(`/payment-methods/${method.id}/verify`, { state: { justAdded: true } });
    } else if (method.status === 'pending_verification') {
      navigate('/payment-methods', { state: { notice: `${method.label} was saved. ${method.statusText}.` } satisfies NoticeState });
    } else {
      setFailure(`${method.label}: ${method.statusText}.`);
      reset();
    }
  }

  const config = stripe.config;
  let body;
  if (stripe.error) {
    body = <ErrorState error={stripe.error} title="Bank accounts can’t be added right now" />;
  } else if (!config || (!list.data && !list.error)) {
    body = <Loading label="Loading…" />;
  } else if (!config.methods.usBankAccount) {
    body = (
      <div className="card__body stack-sm">
        <p>{config.methods.usBankAccountUnavailableReason ?? `${session.msp.name} does not accept bank account payments.`}</p>
        <p>
          <Link to="/payment-methods">Back to payment methods</Link>
          {config.methods.card && (
            <>
              {' '}
              · <Link to="/payment-methods/add/card">Add a card instead</Link>
            </>
          )}
        </p>
      </div>
    );
  } else if (!list.data) {
    body = <ErrorState error={list.error} title="We couldn’t load the debit authorization" onRetry={list.reload} />;
  } else if (state.status !== 'ready') {
    body = (
      <MandateStep
        mandateText={list.data.achMandateText}
        mspName={session.msp.name}
        starting={state.status === 'starting'}
        startError={state.status === 'error' ? state.error : null}
        onAccept={() => {
          setFailure(null);
          start();
        }}
      />
    );
  } else {
    body = (
      <div className="card__body stack-sm">
        <p className="pm-accepted">
          <span aria-hidden="true">✓ </span>You authorized {session.msp.name} to debit this account.
        </p>
        <SetupForm
          config={config}
          type="us_bank_account"
          setup={state.setup}
          submitLabel="Save bank account"
          busyLabel="Saving bank account…"
          onSaved={handleSaved}
          onCancel={() => navigate('/payment-methods')}
        />
      </div>
    );
  }

  return (
    <>
      <title>{`Add a bank account · ${session.msp.name}`}</title>
      <PageHeader
        back={BACK}
        title="Add a bank account"
        description="US checking or savings accounts (ACH Direct Debit). Bank payments take up to 4 business days to complete."
      />
      <div className="stack narrow">
        <ol className="steps" aria-label="Steps">
          <li className={ready ? 'steps__item steps__item--done' : 'steps__item steps__item--current'} aria-current={ready ? undefined : 'step'}>
            Authorize debits
          </li>
          <li className={ready ? 'steps__item steps__item--current' : 'steps__item'} aria-current={ready ? 'step' : undefined}>
            Account details
          </li>
          <li className="steps__item">Verify</li>
        </ol>
        {failure && (
          <div className="alert alert--error" role="alert">
            {failure}
          </div>
        )}
        <section className="card" aria-labelledby="bank-form-title">
          <div className="card__header pm-form-header">
            <MethodIcon type="us_bank_account" />
            <h2 className="card__title" id="bank-form-title" tabIndex={-1} ref={headingRef}>
              {ready ? 'Bank account details' : 'Bank debit authorization'}
            </h2>
          </div>
          {body}
        </section>
      </div>
    </>
  );
}
