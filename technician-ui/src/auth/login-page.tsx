import { Navigate, useLocation } from 'react-router-dom';
import type { LoginLocationState } from '../../../ui-kit/session';
import { Brand } from '../../../ui-kit/components/brand';
import { Loading } from '../../../ui-kit/components/loading';
import { LoginForm } from '../../../ui-kit/components/login-form';
import { useSessionContext } from './session';

function safeReturnPath(state: unknown): string {
  const from = (state as LoginLocationState | null)?.from;
  return typeof from === 'string' && from.startsWith('/') && !from.startsWith('//') && !from.startsWith('/login')
    ? from
    : '/'; // the dashboard
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
        ? 'You’ve signed out.'
        : null;

  return (
    <>
      <title>Sign in · Settle</title>
      <LoginForm
        brand={<Brand size="lg" />}
        title="Sign in to Settle"
        subtitle="Invoice payment status for every client you support."
        notice={notice}
        onSignIn={signIn}
        footer="Use the account your MSP admin set up for you. Forgotten your password? Ask your admin to reset it."
      />
    </>
  );
}
