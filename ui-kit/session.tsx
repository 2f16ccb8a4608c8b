import { createContext, use, useCallback, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router-dom';
import type { ApiClient } from './api-client';
import { isApiError } from './api-client';
import { ErrorState } from './components/error-state';
import { Loading } from './components/loading';

export type SignedOutReason = 'expired' | 'signed-out' | null;

export type SessionState<S> =
  | { status: 'loading' }
  | { status: 'unavailable'; error: unknown }
  | { status: 'signed-out'; reason: SignedOutReason }
  | { status: 'signed-in'; session: S };

export interface SessionContextValue<S> {
  state: SessionState<S>;
  signIn: (email: string, password: string) => Promise<void>;
  signOut: () => Promise<void>;
  retry: () => void;
  /**
   * Reads the session again in the background (e.g. after connecting Stripe changed what it
   * reports), keeping the page mounted. A failure leaves the current session in place.
   */
  refresh: () => Promise<void>;
}

export interface SessionPaths {
  session: string;
  login: string;
  logout: string;
}

/** Where the login page sends someone back to after signing in. */
export interface LoginLocationState {
  from?: string;
}

/**
 * Builds the session provider, hook and route guard for one app. The provider probes the session
 * endpoint once, keeps the CSRF token in the API client, and turns any 401 `AUTH_REQUIRED` answer
 * while signed in into "signed out, session expired", which sends the person to the login page.
 */
export function createSession<S extends { csrfToken: string }>(api: ApiClient, paths: SessionPaths) {
  const SessionContext = createContext<SessionContextValue<S> | null>(null);

  function SessionProvider({ children }: { children: ReactNode }) {
    const [state, setState] = useState<SessionState<S>>({ status: 'loading' });
    const [probe, setProbe] = useState(0);

    useEffect(() => {
      const controller = new AbortController();
      api.get<S>(paths.session, { signal: controller.signal, reportAuthRequired: false }).then(
        (session) => {
          api.setCsrfToken(session.csrfToken);
          setState({ status: 'signed-in', session });
        },
        (error: unknown) => {
          if (controller.signal.aborted) return;
          if (isApiError(error) && error.status === 401) setState({ status: 'signed-out', reason: null });
          else setState({ status: 'unavailable', error });
        },
      );
      return () => controller.abort();
    }, [probe]);

    useEffect(
      () =>
        api.onAuthRequired(() => {
          api.setCsrfToken(null);
          setState((current) => (current.status === 'signed-in' ? { status: 'signed-out', reason: 'expired' } : current));
        }),
      [],
    );

    const signIn = useCallback(async (email: string, password: string) => {
      const session = await api.post<S>(paths.login, { email, password }, { reportAuthRequired: false });
      api.setCsrfToken(session.csrfToken);
      setState({ status: 'signed-in', session });
    }, []);

    const signOut = useCallback(async () => {
      try {
        await api.post<void>(paths.logout, undefined, { reportAuthRequired: false });
      } catch (error) {
        // Already signed out on the server: nothing left to undo.
        if (!(isApiError(error) && error.status === 401)) throw error;
      }
      api.setCsrfToken(null);
      setState({ status: 'signed-out', reason: 'signed-out' });
    }, []);

    const retry = useCallback(() => {
      setState({ status: 'loading' });
      setProbe((n) => n + 1);
    }, []);

    const refresh = useCallback(async () => {
      try {
        const session = await api.get<S>(paths.session);
        api.setCsrfToken(session.csrfToken);
        setState((current) => (current.status === 'signed-in' ? { status: 'signed-in', session } : current));
      } catch {
        // An expired session is reported through onAuthRequired; anything else keeps what we have.
      }
    }, []);

    const value = useMemo(() => ({ state, signIn, signOut, retry, refresh }), [state, signIn, signOut, retry, refresh]);
    return <SessionContext value={value}>{children}</SessionContext>;
  }

  function useSessionContext(): SessionContextValue<S> {
    const value = use(SessionContext);
    if (!value) throw new Error('useSession must be used inside <SessionProvider>');
    return value;
  }

  /** The signed-in session; only call this below `<RequireSession>`. */
  function useSession(): S {
    const { state } = useSessionContext();
    if (state.status !== 'signed-in') throw new Error('useSession called while not signed in');
    return state.session;
  }

  /** Renders its children when signed in; otherwise sends the person to `/login`. */
  function RequireSession({ children }: { children: ReactNode }) {
    const { state, retry } = useSessionContext();
    const location = useLocation();
    switch (state.status) {
      case 'loading':
        return <Loading label="Loading…" fullPage />;
      case 'unavailable':
        return (
          <main className="page-center" id="main">
            <ErrorState error={state.error} title="We couldn’t load your account" onRetry={retry} />
          </main>
        );
      case 'signed-out': {
        // After an explicit sign-out the next person starts fresh; otherwise come back here.
        if (state.reason === 'signed-out') return <Navigate to="/login" replace />;
        const from: LoginLocationState = { from: `${location.pathname}${location.search}` };
        return <Navigate to="/login" replace state={from} />;
      }
      case 'signed-in':
        return children;
      default: {
        const unknown: never = state;
        return unknown;
      }
    }
  }

  return { SessionProvider, useSessionContext, useSession, RequireSession };
}
