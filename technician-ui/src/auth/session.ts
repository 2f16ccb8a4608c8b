import type { StaffSessionView as StaffSession } from '../../../server/auth/session-view';
import { createSession } from '../../../ui-kit/session';
import { api } from '../api';

export type { StaffSession };
export type StaffRole = StaffSession['user']['role'];

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
