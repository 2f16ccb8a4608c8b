import { Link, Navigate, useLocation } from 'react-router-dom';
import type { LoginLocationState } from '../../../ui-kit/session';
import { Loading } from '../../../ui-kit/components/loading';
import { LoginForm } from '../../../ui-kit/components/login-form';
import { useSessionContext } from './session';

function safeReturnPath(state: unknown): string {
  const from = (state as LoginLocationState | null)?.from;
  return typeof from === 'string' && from.startsWith('/') && !from.startsWith('//') && !from.startsWith('/login')
    ? from
    : '/invoices';
}

function LockIcon() {
  return (
    <svg className="auth__badge-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <rect x="4.5" y="10.5" width="15" height="10" rx="2.5" fill="none" stroke="currentColor" strokeWidth="1.6" />
      <path d="M8 10.5V8a4 4 0 0 1 8 0v2.5" fill="none" stroke="currentColor" strokeWidth="1.6" />
    </svg>
  );
}

export function LoginPage() {
  const { state, signIn } = useSessionContext();
  const location = useLocation();

  if (state.status === 'loading') return <Loading label="Loading…" fullPage />;
  if (state.status === 'signed-in') return <Navigate to={safeReturnPath(location.state)} replace />;

  const notice =
    state.status === 'signed-out' && state.reason === 'expired'
      ? 'Your session has expired — sign in again'
      : state.status === 'signed-out' && state.reason === 'signed-out'
        ? 'You’ve signed out. See you next time.'
        : null;

  return (
    <>
      <title>Sign in · Billing portal</title>
      <LoginForm
        brand={
          <span className="auth__badge">
            <LockIcon />
          </span>
        }
        title="Sign in to your billing portal"
        subtitle="See your invoices and what’s due, in one place."
        notice={notice}
        onSignIn={signIn}
        footer={
          <>
            <Link to="/forgot-password" className="auth__forgot">
              Forgot password?
            </Link>
            <br />
            Use the email address your IT provider invited. Can’t sign in? Contact your IT provider.
            <br />
            <span className="auth__powered">Secure billing by Settle</span>
          </>
        }
      />
    </>
  );
}
