import type Stripe from 'stripe';
import type { AccountState } from '../../core/account-state.js';
import type { Emulator } from '../../core/emulator.js';
import { connectAccount, type OAuthGrant } from '../../core/emulator-state.js';
import { clientIdFor, publishableKeyFor, randomAlphanumeric } from '../../core/ids.js';
import { emitEvent } from '../events/emit-event.js';

/** Authorization codes are single use and expire after this long (emulator time). */
export const CODE_TTL_MS = 5 * 60 * 1000;

export type OAuthErrorCode = 'invalid_grant' | 'invalid_request' | 'invalid_client' | 'invalid_scope' | 'unsupported_grant_type' | 'unsupported_response_type';

/** Stripe's OAuth error body `{error, error_description}` (not the API's `{error: {...}}`). */
export class OAuthError extends Error {
  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
    readonly status = error === 'invalid_client' ? 401 : 400,
  ) {
    super(description);
  }
}

export interface OAuthTokenResponse {
  access_token: string;
  livemode: false;
  refresh_token: string;
  scope: string;
  stripe_publishable_key: string;
  stripe_user_id: string;
  token_type: 'bearer';
}

function application(platformId: string): Stripe.Application {
  return { id: clientIdFor(platformId), object: 'application', name: 'Stripe emulator platform' } as Stripe.Application;
}

/**
 * The user pressed "Connect": connects `accountId` (created if new) to the platform, emits
 * `account.application.authorized` and returns a fresh single-use code. Refuses an account that
 * already belongs to another platform.
 */
export function grantAuthorizationCode(em: Emulator, platformId: string, accountId: string, scope: string): string {
  const existing = em.state.accounts.get(accountId);
  if (existing && existing.platformId !== null && existing.platformId !== platformId) {
    throw new OAuthError('invalid_request', `Account ${accountId} is connected to another platform.`);
  }
  if (accountId === platformId) throw new OAuthError('invalid_request', 'A platform cannot connect to itself.');
  const account = connectAccount(em.state, platformId, accountId);
  const code = `ac_${randomAlphanumeric(32)}`;
  em.state.oauth.codes.set(code, { code, platformId, accountId, scope, expiresAtMs: em.clock.nowMs() + CODE_TTL_MS, redeemedAs: null });
  emitEvent(em, account, 'account.application.authorized', application(platformId));
  return code;
}

function issue(em: Emulator, grant: OAuthGrant): OAuthTokenResponse {
  if (grant.accessToken) em.state.oauth.accessTokens.set(grant.accessToken, null);
  grant.accessToken = `sk_test_oauth_${randomAlphanumeric(40)}`;
  em.state.oauth.accessTokens.set(grant.accessToken, grant.refreshToken);
  em.changed();
  return {
    access_token: grant.accessToken,
    livemode: false,
    refresh_token: grant.refreshToken,
    scope: grant.scope,
    stripe_publishable_key: publishableKeyFor(grant.accountId),
    stripe_user_id: grant.accountId,
    token_type: 'bearer',
  };
}

function revoke(em: Emulator, grant: OAuthGrant): void {
  grant.revoked = true;
  em.state.oauth.accessTokens.set(grant.accessToken, null);
  em.changed();
}

/** `grant_type=authorization_code`. A reused code revokes what it issued (as Stripe does). */
export function redeemAuthorizationCode(em: Emulator, platform: AccountState, code: string): OAuthTokenResponse {
  const stored = em.state.oauth.codes.get(code);
  if (!stored || stored.platformId !== platform.id) throw new OAuthError('invalid_grant', `Authorization code does not exist: ${code}`);
  if (stored.redeemedAs !== null) {
    const grant = em.state.oauth.grants.get(stored.redeemedAs);
    if (grant) revoke(em, grant);
    throw new OAuthError('invalid_grant', `This authorization code has already been used. All tokens issued with this code have been revoked.`);
  }
  if (em.clock.nowMs() >= stored.expiresAtMs) throw new OAuthError('invalid_grant', `Authorization code expired: ${code}`);
  const grant: OAuthGrant = { platformId: platform.id, accountId: stored.accountId, scope: stored.scope, refreshToken: `rt_${randomAlphanumeric(40)}`, accessToken: '', revoked: false };
  em.state.oauth.grants.set(grant.refreshToken, grant);
  stored.redeemedAs = grant.refreshToken;
  return issue(em, grant);
}

/** `grant_type=refresh_token`: a new access token; the previous one stops working. */
export function refreshAccessToken(em: Emulator, platform: AccountState, refreshToken: string): OAuthTokenResponse {
  const grant = em.state.oauth.grants.get(refreshToken);
  if (!grant || grant.revoked || grant.platformId !== platform.id) throw new OAuthError('invalid_grant', `Invalid refresh token: ${refreshToken}`);
  return issue(em, grant);
}

/**
 * `POST /oauth/deauthorize`: revokes every token of the platform for the account, disconnects it
 * and emits `account.application.deauthorized`. Idempotent only in effect: a second call errors.
 */
export function deauthorize(em: Emulator, platform: AccountState, clientId: string, accountId: string): { stripe_user_id: string } {
  if (clientId !== clientIdFor(platform.id)) throw new OAuthError('invalid_client', `No such application: '${clientId}'`);
  const account = em.state.accounts.get(accountId);
  if (!account || account.platformId !== platform.id) {
    throw new OAuthError('invalid_client', `This application is not connected to stripe account ${accountId}, or that account does not exist.`);
  }
  for (const grant of em.state.oauth.grants.values()) if (grant.platformId === platform.id && grant.accountId === accountId && !grant.revoked) revoke(em, grant);
  emitEvent(em, account, 'account.application.deauthorized', application(platform.id));
  account.platformId = null;
  return { stripe_user_id: accountId };
}
