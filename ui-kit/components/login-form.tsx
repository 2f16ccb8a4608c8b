import { useId, useRef, useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { isApiError } from '../api-client';
import { describeError } from './error-state';

interface LoginFormProps {
  /** Page heading, e.g. "Sign in to Settle". */
  title: string;
  subtitle?: ReactNode;
  /** Logo or product name above the card. */
  brand?: ReactNode;
  /** An informational message, e.g. "Your session has expired — sign in again". */
  notice?: string | null;
  /** Rejects with an `ApiError` when sign-in fails. */
  onSignIn: (email: string, password: string) => Promise<void>;
  footer?: ReactNode;
}

interface FieldErrors {
  email?: string;
  password?: string;
}

const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+$/;

function validate(email: string, password: string): FieldErrors {
  const errors: FieldErrors = {};
  if (email.trim() === '') errors.email = 'Enter your email address.';
  else if (!EMAIL_SHAPE.test(email.trim())) errors.email = 'Enter an email address like name@company.com.';
  if (password === '') errors.password = 'Enter your password.';
  return errors;
}

function minutesText(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

function signInErrorMessage(error: unknown): string {
  if (!isApiError(error)) return describeError(error);
  switch (error.code) {
    case 'AUTH_INVALID_CREDENTIALS':
      return 'That email and password don’t match. Check them and try again.';
    case 'AUTH_RATE_LIMITED':
      if (error.message && error.message !== 'Too many requests. Try again shortly.') return error.message;
      return error.retryAfterSeconds !== null
        ? `Too many sign-in attempts. Try again in ${minutesText(error.retryAfterSeconds)}.`
        : 'Too many sign-in attempts. Wait a few minutes and try again.';
    case 'VALIDATION_FAILED':
      return 'Check the highlighted fields.';
    default:
      return describeError(error);
  }
}

/**
 * Email + password sign-in card. Field errors are tied to their inputs with `aria-describedby` and
 * `aria-invalid`; a form-level failure is announced in a `role="alert"` element.
 */
export function LoginForm({ title, subtitle, brand, notice, onSignIn, footer }: LoginFormProps) {
  const id = useId();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const emailRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  const alertRef = useRef<HTMLDivElement>(null);

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (submitting) return;
    const errors = validate(email, password);
    setFieldErrors(errors);
    setFormError(null);
    if (errors.email || errors.password) {
      (errors.email ? emailRef : passwordRef).current?.focus();
      return;
    }
    setSubmitting(true);
    try {
      await onSignIn(email.trim(), password);
    } catch (error) {
      setSubmitting(false);
      if (isApiError(error) && error.code === 'VALIDATION_FAILED' && error.fields.length > 0) {
        const fromServer: FieldErrors = {
          email: error.fieldMessage('email'),
          password: error.fieldMessage('password'),
        };
        setFieldErrors(fromServer);
        if (fromServer.email || fromServer.password) {
          (fromServer.email ? emailRef : passwordRef).current?.focus();
          return;
        }
      }
      setFormError(signInErrorMessage(error));
      // The alert is announced on its own; put the cursor where the fix goes.
      if (isApiError(error) && error.code === 'AUTH_INVALID_CREDENTIALS') {
        setPassword('');
        passwordRef.current?.focus();
      } else {
        requestAnimationFrame(() => alertRef.current?.focus());
      }
    }
  }

  const emailErrorId = `${id}-email-error`;
  const passwordErrorId = `${id}-password-error`;

  return (
    <div className="auth">
      <div className="auth__inner">
        {brand && <div className="auth__brand">{brand}</div>}
        <main className="auth__card" id="main">
          <h1 className="auth__title">{title}</h1>
          {subtitle && <p className="auth__subtitle">{subtitle}</p>}

          {formError ? (
            <div className="alert alert--error" role="alert" tabIndex={-1} ref={alertRef}>
              {formError}
            </div>
          ) : (
            notice && (
              <div className="alert alert--info" role="status">
                {notice}
              </div>
            )
          )}

          <form className="form" noValidate onSubmit={handleSubmit} aria-label={title}>
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
                aria-invalid={fieldErrors.email ? true : undefined}
                aria-describedby={fieldErrors.email ? emailErrorId : undefined}
                required
              />
              {fieldErrors.email && (
                <p className="field__error" id={emailErrorId}>
                  {fieldErrors.email}
                </p>
              )}
            </div>
            <div className="field">
              <label className="field__label" htmlFor={`${id}-password`}>
                Password
              </label>
              <input
                ref={passwordRef}
                id={`${id}-password`}
                className="input"
                type="password"
                name="password"
                autoComplete="current-password"
                value={password}
                onChange={(event) => setPassword(event.target.value)}
                aria-invalid={fieldErrors.password ? true : undefined}
                aria-describedby={fieldErrors.password ? passwordErrorId : undefined}
                required
              />
              {fieldErrors.password && (
                <p className="field__error" id={passwordErrorId}>
                  {fieldErrors.password}
                </p>
              )}
            </div>
            <button type="submit" className="btn btn--primary btn--block btn--lg" aria-disabled={submitting}>
              {submitting && <span className="spinner spinner--inline" aria-hidden="true" />}
              Sign in
            </button>
          </form>
        </main>
        {footer && <div className="auth__footer">{footer}</div>}
      </div>
    </div>
  );
}
