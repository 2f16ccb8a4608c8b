import { createSession } from '../../../ui-kit/session';
import { api } from '../api';

export interface PortalSession {
  user: { id: string; email: string; name: string };
  client: { id: string; name: string };
  msp: { name: string };
  csrfToken: string;
}

export const { SessionProvider, useSessionContext, useSession, RequireSession } = createSession<PortalSession>(api, {
  session: '/session',
  login: '/login',
  logout: '/logout',
});
