import { useEffect, useRef, useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router-dom';
import { isApiError } from '../../../ui-kit/api-client';
import { EmptyState } from '../../../ui-kit/components/empty-state';
import { ErrorState } from '../../../ui-kit/components/error-state';
import { Loading } from '../../../ui-kit/components/loading';
import { MicrodepositForm } from '../../../ui-kit/components/microdeposit-form';
import { PageHeader } from '../../../ui-kit/components/page-header';
import { formatDate } from '../../../ui-kit/dates';
import { useSession } from '../auth/session';
import { paymentMethodsApi, usePaymentMethods } from './api';
import type { NoticeState } from './payment-methods-page';
import type { PaymentMethodView, Verification, VerifyRequest } from './types';

const BACK = { to: '/payment-methods', label: 'Payment methods' };

export interface VerifyPageState {
  /** Arrived straight from adding the account. */
  justAdded?: boolean;
}

function todayLocal(): string {
  const now = new Date();
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
}

function formatInstantDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : new Intl.DateTimeFormat(undefined, { dateStyle: 'long' }).format(date);
}

/** What was sent, when it arrives, and the limits, in plain words. */
function DepositFacts({ method, verification, showLastError }: { method: PaymentMethodView; verification: Verification; showLastError: boolean }) {
  const amounts = verification.microdepositType === 'amounts';
  const arrival = verification.arrivalDate;
  const arrived = arrival !== null && arrival <= todayLocal();
  return (
    <section className="card" aria-labelledby="deposits-title">
      <div className="card__header">
        <h2 className="card__title" id="deposits-title">
          {amounts ? 'Two small deposits are on their way' : 'A $0.01 deposit is on its way'}
        </h2>
      </div>
      <div className="card__body stack-sm">
        <p>
          {amounts ? (
            <>
              Stripe, our payment processor, is sending two deposits of less than $1 each to <strong>{method.label}</strong>. On your statement they
              appear with the description <span className="mono">ACCTVERIFY</span>.
            </>
          ) : (
            <>
              Stripe, our payment processor, is sending one deposit of $0.01 to <strong>{method.label}</strong>. Its description on your statement
              holds a 6-character code that starts with <span className="mono">SM</span>.
            </>
          )}
        </p>
        <dl className="definition-list verify-facts">
          <div>
            <dt>{arrived ? 'Arrived by' : 'Expected by'}</dt>
            <dd>{arrival ? formatDate(arrival, undefined, 'long') : 'Usually within 1–2 business days'}</dd>
          </div>
          {verification.expiresAt && (
            <div>
              <dt>Verify before</dt>
              <dd>{formatInstantDate(verification.expiresAt)}</dd>
            </div>
          )}
          {verification.attemptsLeft !== null && (
            <div>
              <dt>Attempts left</dt>
              <dd>{verification.attemptsLeft}</dd>
            </div>
          )}
        </dl>
        {showLastError && verification.lastError && <p className="verify-last-error">Last attempt: {verification.lastError}</p>}
        <p className="muted">
          {arrival && !arrived ? `You can enter ${amounts ? 'the amounts' : 'the code'} as soon as the deposit shows up in your online banking. ` : ''}
          Stripe allows 10 days after sending the deposits
          {verification.attemptsLeft !== null ? ` and ${amounts ? 3 : 10} attempts in all` : ''}; after that, the account has to be added again.
        </p>
      </div>
    </section>
  );
}

function VerifyForm({ method, verification, onVerified, onFailed }: { method: PaymentMethodView; verification: Verification; onVerified: (m: PaymentMethodView) => void; onFailed: (error: unknown) => void }) {
  return (
    <MicrodepositForm
      microdepositType={verification.microdepositType}
      title={verification.microdepositType === 'amounts' ? 'Enter the two amounts' : 'Enter the code'}
      hints={{ amounts: 'From your bank statement. For a deposit of $0.32, enter 32. The order doesn’t matter.', code: 'From your bank statement, e.g. SM11AA — 6 characters starting with SM.' }}
      submitLabel="Verify bank account"
      secondaryAction={
        <Link className="btn btn--secondary" to="/payment-methods">
          Do this later
        </Link>
      }
      submit={async (body: VerifyRequest) => onVerified((await paymentMethodsApi.verify(method.id, body)).paymentMethod)}
      onFailed={onFailed}
    />
  );
}

function StartOver({ title, text }: { title: string; text: string }) {
  const navigate = useNavigate();
  const ref = useRef<HTMLDivElement>(null);
  // Replaces the form the user was in: keyboard focus continues here.
  useEffect(() => ref.current?.focus(), []);
  return (
    <div className="callout callout--danger verify-start-over" role="alert" tabIndex={-1} ref={ref}>
      <div className="stack-sm">
        <strong>{title}</strong>
        <p>{text} To use this bank account, add the account again: you’ll get new deposits to verify.</p>
        <div className="form-actions">
          <button type="button" className="btn btn--primary" onClick={() => navigate('/payment-methods/add/bank')}>
            Add the account again
          </button>
          <Link className="btn btn--secondary" to="/payment-methods">
            Back to payment methods
          </Link>
        </div>
      </div>
    </div>
  );
}

/** Micro-deposit verification of one bank account: amounts or SM code, whichever Stripe asked for. */
export function VerifyPage() {
  const { paymentMethodId = '' } = useParams();
  const session = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const { data, error, reload } = usePaymentMethods();
  const [terminal, setTerminal] = useState<'exceeded' | 'expired' | null>(null);
  // After a failed attempt on this visit the form itself says what went wrong.
  const [attemptedHere, setAttemptedHere] = useState(false);
  const justAdded = (location.state as VerifyPageState | null)?.justAdded === true;

  const method = data?.methods.find((m) => m.id === paymentMethodId);

  function handleVerified(verified: PaymentMethodView) {
    if (verified.status === 'active') {
      navigate('/payment-methods', {
        state: { notice: `${verified.label} is verified and ready to use.`, suggestAutopay: true } satisfies NoticeState,
      });
    } else {
      reload();
    }
  }

  function handleFailed(err: unknown) {
    setAttemptedHere(true);
    if (isApiError(err) && err.code === 'VERIFICATION_ATTEMPTS_EXCEEDED') setTerminal('exceeded');
    if (isApiError(err) && err.code === 'VERIFICATION_EXPIRED') setTerminal('expired');
    reload();
  }

  let content;
  if (error && !data) {
    content = <ErrorState error={error} title="We couldn’t load this bank account" onRetry={reload} />;
  } else if (!data) {
    content = <Loading label="Loading…" />;
  } else if (!method) {
    content = (
      <div className="card">
        <EmptyState title="We couldn’t find this bank account" action={<Link className="btn btn--secondary" to="/payment-methods">See payment methods</Link>}>
          It may have been removed.
        </EmptyState>
      </div>
    );
  } else if (terminal === 'exceeded' || method.status === 'verification_failed') {
    content = (
      <StartOver
        title="This bank account can’t be verified any more"
        text={terminal === 'exceeded' || method.verification?.attemptsLeft === 0 ? 'Too many attempts didn’t match the deposits.' : (method.statusText ?? '')}
      />
    );
  } else if (terminal === 'expired' || method.status === 'expired') {
    content = <StartOver title="The verification window has closed" text="Deposits have to be confirmed within 10 days of being sent." />;
  } else if (method.status === 'active') {
    content = (
      <div className="callout callout--success" role="status">
        <span>
          {method.label} is already verified. <Link to="/payment-methods">Back to payment methods</Link>
        </span>
      </div>
    );
  } else if (!method.verification) {
    content = (
      <div className="callout callout--info">
        <span>
          {method.statusText}. Nothing to enter yet — we’ll update this page when your bank responds. <Link to="/payment-methods">Back to payment methods</Link>
        </span>
      </div>
    );
  } else {
    content = (
      <>
        <DepositFacts method={method} verification={method.verification} showLastError={!attemptedHere} />
        <VerifyForm method={method} verification={method.verification} onVerified={handleVerified} onFailed={handleFailed} />
      </>
    );
  }

  return (
    <>
      <title>{`Verify bank account · ${session.msp.name}`}</title>
      <PageHeader back={BACK} title={method ? `Verify ${method.label}` : 'Verify bank account'} />
      <div className="stack narrow">
        {justAdded && method?.status === 'pending_verification' && (
          <div className="alert alert--success" role="status">
            <strong className="alert__title">Bank account saved</strong>
            One more step before {session.msp.name} can debit it: enter the deposits below once they arrive. You can leave and come back any time —
            the account waits under Payment methods.
          </div>
        )}
        {content}
      </div>
    </>
  );
}
