import { createSession } from '../../../ui-kit/session';
import { api } from '../api';

export type StaffRole = 'admin' | 'technician';

export interface StaffSession {
  user: { id: string; email: string; name: string; role: StaffRole };
  installation: { id: string; name: string; currency: string; timezone: string };
  csrfToken: string;
}

export const { SessionProvider, useSessionContext, useSession, RequireSession } = createSession<StaffSession>(api, {
  session: '/session',
  login: '/login',
  logout: '/logout',
});

export function roleLabel(role: StaffRole): string {
  switch (role) {
    case 'admin':
      return 'Admin';
    case 'technician':
      return 'Technician';
    default: {
      const unknown: never = role;
      return String(unknown);
    }
  }
}
