import { useEffect, useId, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router-dom';
import { isApiError } from '../../../ui-kit/api-client';
import { EmptyState } from '../../../ui-kit/components/empty-state';
import { describeError, ErrorState } from '../../../ui-kit/components/error-state';
import { Loading } from '../../../ui-kit/components/loading';
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

type FieldErrors = { first?: string; second?: string; code?: string };

const CENTS = /^\d{1,2}$/;
const CODE = /^SM[A-Z0-9]{4}$/;

function validateAmount(value: string, which: 'first' | 'second'): string | undefined {
  const v = value.trim();
  if (v === '') return `Enter the ${which} deposit in cents.`;
  if (!CENTS.test(v) || Number(v) < 1) return 'Enter a whole number of cents between 1 and 99 (for $0.32, enter 32).';
  return undefined;
}

function VerifyForm({ method, verification, onVerified, onFailed }: { method: PaymentMethodView; verification: Verification; onVerified: (m: PaymentMethodView) => void; onFailed: (error: unknown) => void }) {
  const amounts = verification.microdepositType === 'amounts';
  const [first, setFirst] = useState('');
  const [second, setSecond] = useState('');
  const [code, setCode] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const firstRef = useRef<HTMLInputElement>(null);
  const secondRef = useRef<HTMLInputElement>(null);
  const codeRef = useRef<HTMLInputElement>(null);
  const inFlight = useRef(false);
  const id = useId();
  const ids = { first: `${id}-first`, second: `${id}-second`, code: `${id}-code`, hint: `${id}-hint`, codeHint: `${id}-code-hint`, form: `${id}-form-error` };

  function focusFirstError(e: FieldErrors, formLevel: boolean) {
    requestAnimationFrame(() => {
      if (amounts) (e.first || (formLevel && !e.second) ? firstRef : secondRef).current?.focus();
      else codeRef.current?.focus();
    });
  }

  async function handleSubmit(event: FormEvent) {
    event.preventDefault();
    if (inFlight.current) return;
    setFormError(null);
    const normalizedCode = code.trim().toUpperCase();
    const next: FieldErrors = amounts
      ? { first: validateAmount(first, 'first'), second: validateAmount(second, 'second') }
      : { code: normalizedCode === '' ? 'Enter the code from the deposit description.' : CODE.test(normalizedCode) ? undefined : 'The code has 6 characters and starts with SM, like SM11AA.' };
    setErrors(next);
    if (next.first || next.second || next.code) {
      focusFirstError(next, false);
      return;
    }
    const body: VerifyRequest = amounts ? { amounts: [Number(first.trim()), Number(second.trim())] } : { descriptorCode: normalizedCode };
    inFlight.current = true;
    setSubmitting(true);
    try {
      const { paymentMethod } = await paymentMethodsApi.verify(method.id, body);
      onVerified(paymentMethod);
    } catch (err) {
      if (isApiError(err) && err.code === 'MICRODEPOSIT_MISMATCH') {
        setFormError(err.message);
        focusFirstError({}, true);
        onFailed(err);
      } else if (isApiError(err) && err.code === 'MICRODEPOSIT_INPUT_INVALID') {
        const fieldMessage = err.fieldMessage(amounts ? 'amounts' : 'descriptorCode');
        const message = fieldMessage && fieldMessage !== 'Required.' ? fieldMessage : err.message;
        const e: FieldErrors = amounts ? { first: message } : { code: message };
        setErrors(e);
        focusFirstError(e, false);
      } else {
        onFailed(err);
        if (!(isApiError(err) && ['VERIFICATION_ATTEMPTS_EXCEEDED', 'VERIFICATION_EXPIRED', 'VERIFICATION_NOT_PENDING'].includes(err.code))) {
          setFormError(`We couldn’t check the ${amounts ? 'amounts' : 'code'}. ${describeError(err)}`);
        }
      }
    } finally {
      inFlight.current = false;
      setSubmitting(false);
    }
  }

  const describedBy = (...parts: Array<string | false | null | undefined>) => parts.filter(Boolean).join(' ') || undefined;

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <div className="card__header">
        <h2 className="card__title" id={`${id}-title`}>
          {amounts ? 'Enter the two amounts' : 'Enter the code'}
        </h2>
      </div>
      <form className="form card__body" onSubmit={(e) => void handleSubmit(e)} noValidate aria-busy={submitting}>
        {amounts ? (
          <fieldset className="fieldset">
            <legend className="field__label">Deposit amounts, in cents</legend>
            <p className="field__hint" id={ids.hint}>
              From your bank statement. For a deposit of $0.32, enter 32. The order doesn’t matter.
            </p>
            <div className="amount-pair">
              <div className="field">
                <label className="field__label" htmlFor={ids.first}>
                  First deposit (cents)
                </label>
                <input
                  ref={firstRef}
                  id={ids.first}
                  className="input input--cents"
                  inputMode="numeric"
                  autoComplete="off"
                  maxLength={2}
                  value={first}
                  onChange={(e) => setFirst(e.target.value.replace(/\D/g, ''))}
                  aria-invalid={Boolean(errors.first || formError)}
                  aria-describedby={describedBy(ids.hint, errors.first && `${ids.first}-error`, formError && ids.form)}
                />
                {errors.first && (
                  <p className="field__error" id={`${ids.first}-error`}>
                    {errors.first}
                  </p>
                )}
              </div>
              <div className="field">
                <label className="field__label" htmlFor={ids.second}>
                  Second deposit (cents)
                </label>
                <input
                  ref={secondRef}
                  id={ids.second}
                  className="input input--cents"
                  inputMode="numeric"
                  autoComplete="off"
                  maxLength={2}
                  value={second}
                  onChange={(e) => setSecond(e.target.value.replace(/\D/g, ''))}
                  aria-invalid={Boolean(errors.second || formError)}
                  aria-describedby={describedBy(ids.hint, errors.second && `${ids.second}-error`, formError && ids.form)}
                />
                {errors.second && (
                  <p className="field__error" id={`${ids.second}-error`}>
                    {errors.second}
                  </p>
                )}
              </div>
            </div>
          </fieldset>
        ) : (
          <div className="field">
            <label className="field__label" htmlFor={ids.code}>
              Code from the deposit description
            </label>
            <p className="field__hint" id={ids.codeHint}>
              From your bank statement, e.g. SM11AA — 6 characters starting with SM.
            </p>
            <input
              ref={codeRef}
              id={ids.code}
              className="input input--mono input--code"
              autoComplete="off"
              autoCapitalize="characters"
              spellCheck={false}
              maxLength={6}
              value={code}
              onChange={(e) => setCode(e.target.value.toUpperCase().replace(/\s/g, ''))}
              aria-invalid={Boolean(errors.code || formError)}
              aria-describedby={describedBy(ids.codeHint, errors.code && `${ids.code}-error`, formError && ids.form)}
            />
            {errors.code && (
              <p className="field__error" id={`${ids.code}-error`}>
                {errors.code}
              </p>
            )}
          </div>
        )}
        <div role="alert" aria-live="assertive">
          {formError && (
            <p className="alert alert--error" id={ids.form}>
              {formError}
            </p>
          )}
        </div>
        <div className="form-actions">
          <button type="submit" className="btn btn--primary" disabled={submitting}>
            {submitting ? 'Verifying…' : 'Verify bank account'}
          </button>
          <Link className="btn btn--secondary" to="/payment-methods">
            Do this later
          </Link>
        </div>
      </form>
    </section>
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
