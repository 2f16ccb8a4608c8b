// Calls behind the "Confirm your payment" page (/api/portal/authentications/…).
import type { AuthenticationView } from '../../../server/notifications/authenticate-payment';
import { api } from '../api';

export type { AuthenticationView };

const path = (paymentId: string) => `/authentications/${encodeURIComponent(paymentId)}`;

/** Where the payment stands (the server re-reads it from Stripe first). */
export async function getAuthentication(paymentId: string, signal?: AbortSignal): Promise<AuthenticationView> {
  return (await api.get<{ authentication: AuthenticationView }>(path(paymentId), { signal })).authentication;
}

/** Confirms the charge again while the client is here; the secret is for Stripe.js (null: nothing to authenticate). */
export function startAuthentication(paymentId: string): Promise<{ authentication: AuthenticationView; clientSecret: string | null }> {
  return api.post<{ authentication: AuthenticationView; clientSecret: string | null }>(`${path(paymentId)}/start`);
}
