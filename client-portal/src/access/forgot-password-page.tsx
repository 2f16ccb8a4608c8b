import { useId, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { isApiError } from '../../../ui-kit/api-client';
import { describeError } from '../../../ui-kit/components/error-state';
import { api } from '../api';
import { AccessCard } from './access-card';

const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+$/;

/** /portal/forgot-password — asks for a reset link. The answer is the same whether or not the email has an account. */
export function ForgotPasswordPage() {
  const id = useId();
  const [email, setEmail] = useState('');
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const emailRef = useRef<HTMLInputElement>(null);
  const alertRef = useRef<HTMLDivElement>(null);
  const doneRef = useRef<HTMLHeadingElement>(null);

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (submitting) return;
    const trimmed = email.trim();
    setFormError(null);
    const error = trimmed === '' ? 'Enter your email address.' : !EMAIL_SHAPE.test(trimmed) ? 'Enter an email address like name@company.com.' : null;
    setFieldError(error);
    if (error) return emailRef.current?.focus();
    setSubmitting(true);
    try {
      await api.post('/password-reset', { email: trimmed }, { reportAuthRequired: false });
      setSentTo(trimmed);
      requestAnimationFrame(() => doneRef.current?.focus());
    } catch (cause) {
      const message = isApiError(cause) ? cause.fieldMessage('email') : undefined;
      if (message) {
        setFieldError(message);
        emailRef.current?.focus();
      } else {
        setFormError(describeError(cause));
        requestAnimationFrame(() => alertRef.current?.focus());
      }
    } finally {
      setSubmitting(false);
    }
  }

  if (sentTo) {
    return (
      <>
        <title>Check your email · Billing portal</title>
        <AccessCard title="Check your email" showSignInLink={false}>
          <div className="access-sent" role="status">
            <h2 className="sr-only" tabIndex={-1} ref={doneRef}>
              Reset link requested
            </h2>
            <p>
              If <strong>{sentTo}</strong> belongs to a billing portal account, we just sent it a link to choose a new password. The
              link works once, for 1 hour.
            </p>
            <p>Nothing arrived after a few minutes? Check your spam folder, or ask your IT provider to check the address they invited.</p>
          </div>
          <div className="form-actions">
            <Link className="btn btn--primary" to="/login">
              Back to sign in
            </Link>
            <button type="button" className="btn btn--secondary" onClick={() => setSentTo(null)}>
              Use another email
            </button>
          </div>
        </AccessCard>
      </>
    );
  }

  const errorId = `${id}-error`;
  return (
    <>
      <title>Forgot password · Billing portal</title>
      <AccessCard title="Forgot your password?" subtitle="Enter the email you use for the billing portal and we’ll send you a link to choose a new one.">
        {formError && (
          <div className="alert alert--error" role="alert" tabIndex={-1} ref={alertRef}>
            {formError}
          </div>
        )}
        <form className="form" noValidate onSubmit={handleSubmit} aria-label="Forgot your password?">
          <div className="field">
            <label className="field__label" htmlFor={`${id}-email`}>
              Email
            </label>
            <input
              ref={emailRef}
              id={`${id}-email`}
              className="input"
              type="email"
              name="email"
              autoComplete="username"
              inputMode="email"
              autoCapitalize="none"
              spellCheck={false}
              value={email}
              onChange={(event) => setEmail(event.target.value)}
              aria-invalid={fieldError ? true : undefined}
              aria-describedby={fieldError ? errorId : undefined}
              required
            />
            {fieldError && (
              <p className="field__error" id={errorId}>
                {fieldError}
              </p>
            )}
          </div>
          <button type="submit" className="btn btn--primary btn--block btn--lg" aria-disabled={submitting}>
            {submitting && <span className="spinner spinner--inline" aria-hidden="true" />}
            Send reset link
          </button>
        </form>
      </AccessCard>
    </>
  );
}
