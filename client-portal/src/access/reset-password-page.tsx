import { useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { isApiError } from '../../../ui-kit/api-client';
import { describeError } from '../../../ui-kit/components/error-state';
import { api } from '../api';
import { useSessionContext } from '../auth/session';
import { AccessCard } from './access-card';
import { checkNewPassword, NewPasswordFields, type PasswordErrors } from './new-password-fields';

/** /portal/reset-password/:token — chooses a new password from an emailed link, then signs in. */
export function ResetPasswordPage() {
  const { token = '' } = useParams();
  const navigate = useNavigate();
  const { retry } = useSessionContext();
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [errors, setErrors] = useState<PasswordErrors>({});
  const [formError, setFormError] = useState<unknown>(null);
  const [submitting, setSubmitting] = useState(false);
  const passwordRef = useRef<HTMLInputElement>(null);
  const confirmRef = useRef<HTMLInputElement>(null);
  const alertRef = useRef<HTMLDivElement>(null);

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (submitting) return;
    const next = checkNewPassword(password, confirm);
    setErrors(next);
    setFormError(null);
    if (next.password) return passwordRef.current?.focus();
    if (next.confirm) return confirmRef.current?.focus();
    setSubmitting(true);
    try {
      await api.post(`/password-reset/${encodeURIComponent(token)}`, { password }, { reportAuthRequired: false });
      retry();
      navigate('/invoices', { replace: true });
    } catch (error) {
      setSubmitting(false);
      const fieldMessage = isApiError(error) ? error.fieldMessage('password') : undefined;
      if (fieldMessage) {
        setErrors({ password: fieldMessage });
        return passwordRef.current?.focus();
      }
      setFormError(error);
      requestAnimationFrame(() => alertRef.current?.focus());
    }
  }

  const linkDead = isApiError(formError) && formError.code === 'PASSWORD_RESET_INVALID';
  return (
    <>
      <title>Choose a new password · Billing portal</title>
      <AccessCard title="Choose a new password" subtitle="You’ll be signed in right after. Other devices signed in to your account are signed out.">
        {formError !== null && (
          <div className="alert alert--error" role="alert" tabIndex={-1} ref={alertRef}>
            {linkDead ? (
              <>
                This reset link doesn’t work any more: links work once, for 1 hour, and only the newest one counts.{' '}
                <Link to="/forgot-password">Request a new link</Link>
              </>
            ) : (
              describeError(formError)
            )}
          </div>
        )}
        <form className="form" noValidate onSubmit={handleSubmit} aria-label="Choose a new password">
          <NewPasswordFields
            password={password}
            confirm={confirm}
            onPassword={setPassword}
            onConfirm={setConfirm}
            errors={errors}
            passwordRef={passwordRef}
            confirmRef={confirmRef}
          />
          <button type="submit" className="btn btn--primary btn--block btn--lg" aria-disabled={submitting}>
            {submitting && <span className="spinner spinner--inline" aria-hidden="true" />}
            Save password and sign in
          </button>
        </form>
      </AccessCard>
    </>
  );
}
