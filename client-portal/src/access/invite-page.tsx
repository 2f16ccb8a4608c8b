import { useId, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { isApiError } from '../../../ui-kit/api-client';
import { describeError } from '../../../ui-kit/components/error-state';
import { Loading } from '../../../ui-kit/components/loading';
import { useResource } from '../../../ui-kit/use-resource';
import { api } from '../api';
import { useSessionContext } from '../auth/session';
import { AccessCard } from './access-card';
import { checkNewPassword, NewPasswordFields, type PasswordErrors } from './new-password-fields';

interface Invite {
  email: string;
  name: string;
  clientName: string;
  mspName: string;
  expiresAt: string;
}

function InviteProblem({ error }: { error: unknown }) {
  const expired = isApiError(error) && error.code === 'INVITE_EXPIRED';
  const invalid = isApiError(error) && error.code === 'INVITE_INVALID';
  return (
    <AccessCard showSignInLink={false} title={expired ? 'This invitation has expired' : invalid ? 'This invitation link doesn’t work' : 'We couldn’t open your invitation'}>
      <div className="alert alert--error" role="alert">
        {expired
          ? 'Invitation links work for 7 days. Ask your IT provider to send you a new one.'
          : invalid
            ? 'It may have been used already, or replaced by a newer invitation. If you already set a password, sign in. Otherwise ask your IT provider for a new invitation.'
            : describeError(error)}
      </div>
      <div className="form-actions">
        <Link className="btn btn--primary" to="/login">
          Go to sign in
        </Link>
        <Link className="btn btn--secondary" to="/forgot-password">
          Forgot password?
        </Link>
      </div>
    </AccessCard>
  );
}

/** /portal/invite/:token — someone invited by their IT provider chooses a password and is signed in. */
export function InvitePage() {
  const { token = '' } = useParams();
  const invite = useResource(`invite:${token}`, (signal) => api.get<Invite>(`/invites/${encodeURIComponent(token)}`, { signal, reportAuthRequired: false }));

  if (invite.error) {
    return (
      <>
        <title>Invitation · Billing portal</title>
        <InviteProblem error={invite.error} />
      </>
    );
  }
  if (!invite.data) return <Loading label="Opening your invitation…" fullPage />;
  return <AcceptInviteForm token={token} invite={invite.data} />;
}

function AcceptInviteForm({ token, invite }: { token: string; invite: Invite }) {
  const id = useId();
  const navigate = useNavigate();
  const { retry } = useSessionContext();
  const [name, setName] = useState(invite.name);
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [nameError, setNameError] = useState<string | null>(null);
  const [errors, setErrors] = useState<PasswordErrors>({});
  const [formError, setFormError] = useState<unknown>(null);
  const [submitting, setSubmitting] = useState(false);
  const nameRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  const confirmRef = useRef<HTMLInputElement>(null);
  const alertRef = useRef<HTMLDivElement>(null);

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (submitting) return;
    const trimmed = name.trim();
    const nextNameError = trimmed === '' ? 'Enter your name.' : trimmed.length > 200 ? 'Use 200 characters or fewer.' : null;
    const nextErrors = checkNewPassword(password, confirm);
    setNameError(nextNameError);
    setErrors(nextErrors);
    setFormError(null);
    if (nextNameError) return nameRef.current?.focus();
    if (nextErrors.password) return passwordRef.current?.focus();
    if (nextErrors.confirm) return confirmRef.current?.focus();
    setSubmitting(true);
    try {
      await api.post(`/invites/${encodeURIComponent(token)}/accept`, { password, ...(trimmed !== invite.name ? { name: trimmed } : {}) }, { reportAuthRequired: false });
      // The answer set the session cookie: let the session provider read it, then go to the invoices.
      retry();
      navigate('/invoices', { replace: true });
    } catch (error) {
      setSubmitting(false);
      if (isApiError(error) && error.code === 'VALIDATION_FAILED') {
        const fromServer = { password: error.fieldMessage('password') };
        const serverName = error.fieldMessage('name');
        setErrors(fromServer);
        setNameError(serverName ?? null);
        if (serverName) return nameRef.current?.focus();
        if (fromServer.password) return passwordRef.current?.focus();
      }
      setFormError(error);
      requestAnimationFrame(() => alertRef.current?.focus());
    }
  }

  const expiredNow = isApiError(formError) && (formError.code === 'INVITE_EXPIRED' || formError.code === 'INVITE_INVALID');
  const nameErrorId = `${id}-name-error`;
  return (
    <>
      <title>{`Set up your access · ${invite.mspName}`}</title>
      <AccessCard
        mspName={invite.mspName}
        title="Set up your billing portal"
        subtitle={
          <>
            {invite.mspName} invited you to see and pay invoices for <strong>{invite.clientName}</strong>. Choose a password to finish.
          </>
        }
      >
        {formError !== null && (
          <div className="alert alert--error" role="alert" tabIndex={-1} ref={alertRef}>
            {describeError(formError)}
            {expiredNow && (
              <>
                {' '}
                <Link to="/login">Go to sign in</Link>
              </>
            )}
          </div>
        )}
        <dl className="access-facts">
          <dt className="access-facts__label">Client</dt>
          <dd className="access-facts__value">{invite.clientName}</dd>
          <dt className="access-facts__label">Your email</dt>
          <dd className="access-facts__value">{invite.email}</dd>
        </dl>
        <form className="form" noValidate onSubmit={handleSubmit} aria-label="Set up your billing portal">
          {/* For password managers: the account this password belongs to. */}
          <input type="email" name="username" autoComplete="username" value={invite.email} readOnly hidden />
          <div className="field">
            <label className="field__label" htmlFor={`${id}-name`}>
              Your name
            </label>
            <input
              ref={nameRef}
              id={`${id}-name`}
              className="input"
              name="name"
              autoComplete="name"
              value={name}
              onChange={(event) => setName(event.target.value)}
              aria-invalid={nameError ? true : undefined}
              aria-describedby={nameError ? nameErrorId : undefined}
              required
            />
            {nameError && (
              <p className="field__error" id={nameErrorId}>
                {nameError}
              </p>
            )}
          </div>
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
            Set password and continue
          </button>
        </form>
      </AccessCard>
    </>
  );
}
