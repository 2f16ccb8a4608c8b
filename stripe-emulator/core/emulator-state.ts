import { accountIdForKey } from './ids.js';
import { createAccountState, type AccountState } from './account-state.js';

/** One authorization code of the OAuth flow (single use, short-lived). */
export interface AuthorizationCode {
  code: string;
  platformId: string;
  accountId: string;
  scope: string;
  expiresAtMs: number;
  /** Refresh token of the grant this code produced, once redeemed. */
  redeemedAs: string | null;
}

/** A platform's access to a connected account, keyed by its refresh token. */
export interface OAuthGrant {
  platformId: string;
  accountId: string;
  scope: string;
  refreshToken: string;
  accessToken: string;
  revoked: boolean;
}

export interface OAuthState {
  codes: Map<string, AuthorizationCode>;
  grants: Map<string, OAuthGrant>;
  /** Access token → refresh token of its grant; superseded tokens map to `null`. */
  accessTokens: Map<string, string | null>;
}

/**
 * Every account the emulator knows, keyed by `acct_…`. Platform accounts come from API keys
 * (deterministically); connected accounts are reached with the `Stripe-Account` header or through
 * an OAuth access token.
 */
export interface EmulatorState {
  accounts: Map<string, AccountState>;
  oauth: OAuthState;
}

export function createOAuthState(): OAuthState {
  return { codes: new Map(), grants: new Map(), accessTokens: new Map() };
}

export function createEmulatorState(): EmulatorState {
  return { accounts: new Map(), oauth: createOAuthState() };
}

export function accountForKey(state: EmulatorState, secretKey: string): AccountState {
  const id = accountIdForKey(secretKey);
  let account = state.accounts.get(id);
  if (!account) {
    account = createAccountState(id);
    state.accounts.set(id, account);
  }
  return account;
}

/** Connects `accountId` (created if new) to `platformId`; idempotent. */
export function connectAccount(state: EmulatorState, platformId: string, accountId: string): AccountState {
  let account = state.accounts.get(accountId);
  if (!account) {
    account = createAccountState(accountId, platformId);
    state.accounts.set(accountId, account);
  } else if (account.platformId === null && account.id !== platformId) {
    account.platformId = platformId;
  }
  return account;
}
