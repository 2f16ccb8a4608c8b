export type StaffRole = 'admin' | 'technician';

export interface StaffPrincipal {
  kind: 'staff';
  sessionId: string;
  csrfToken: string;
  installationId: string;
  userId: string;
  email: string;
  name: string;
  role: StaffRole;
}

export interface PortalPrincipal {
  kind: 'portal';
  sessionId: string;
  csrfToken: string;
  installationId: string;
  clientId: string;
  userId: string;
  email: string;
  name: string;
}

export interface ApiKeyPrincipal {
  kind: 'api_key';
  installationId: string;
  apiKeyId: string;
  name: string;
}

export type Principal = StaffPrincipal | PortalPrincipal | ApiKeyPrincipal;
export type SessionPrincipal = StaffPrincipal | PortalPrincipal;
