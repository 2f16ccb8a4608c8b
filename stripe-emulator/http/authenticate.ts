import type { AccountState } from '../core/account-state.js';
import type { Emulator } from '../core/emulator.js';
import { accountForKey, connectAccount } from '../core/emulator-state.js';
import { accountIdForPublishableKey } from '../core/ids.js';
import { StripeError } from '../core/stripe-error.js';
import { parseRestrictedKey } from '../resources/restricted-keys/restricted-keys.js';

const KEY_PATTERN = /^(sk|rk)_test_[A-Za-z0-9_]+$/;

export interface Authenticated {
  account: AccountState;
  /** Authenticated with a publishable key: only client-side operations are allowed. */
  publishable: boolean;
}

function authError(message: string): StripeError {
  return new StripeError(401, { type: 'invalid_request_error', message }, { replayable: false });
}

export function keyFromHeader(header: string | undefined): string | null {
  if (!header) return null;
  if (header.startsWith('Bearer ')) return header.slice(7).trim();
  if (header.startsWith('Basic ')) {
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    return decoded.split(':')[0] ?? null;
  }
  return null;
}

export function redact(key: string): string {
  return `${key.slice(0, key.indexOf('_', 3) + 1)}${'*'.repeat(Math.max(0, key.length - 12))}${key.slice(-4)}`;
}

/** The platform account of a key: an OAuth access token's connected account, a pk's account, or the sk's own account. */
function accountForAnyKey(em: Emulator, key: string): Authenticated {
  if (key.startsWith('pk_')) {
    const id = accountIdForPublishableKey(key);
    const account = id ? em.state.accounts.get(id) : undefined;
    if (!account) throw authError(`Invalid API Key provided: ${redact(key)}`);
    return { account, publishable: true };
  }
  if (!KEY_PATTERN.test(key)) throw authError(`Invalid API Key provided: ${redact(key)}`);
  const oauth = em.state.oauth.accessTokens;
  if (oauth.has(key)) {
    const refresh = oauth.get(key);
    const grant = refresh ? em.state.oauth.grants.get(refresh) : undefined;
    const account = grant && !grant.revoked ? em.state.accounts.get(grant.accountId) : undefined;
    if (!account) throw authError(`Expired API Key provided: ${redact(key)}. Application access may have been revoked.`);
    return { account, publishable: false };
  }
  const restricted = parseRestrictedKey(key);
  if (restricted) {
    const account = em.state.accounts.get(restricted.accountId);
    if (!account) throw authError(`Invalid API Key provided: ${redact(key)}`);
    return { account, publishable: false };
  }
  return { account: accountForKey(em.state, key), publishable: false };
}

/**
 * Resolves the account a request acts on: any `sk_test_…`/`rk_test_…` key is its own platform
 * account, an OAuth access token is its connected account, a publishable key is the account it
 * was derived from; `Stripe-Account` selects an account connected to that platform.
 */
export function authenticate(em: Emulator, authorization: string | undefined, stripeAccount: string | undefined): Authenticated {
  const key = keyFromHeader(authorization);
  if (!key) {
    throw authError(
      "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
    );
  }
  const { account: platform, publishable } = accountForAnyKey(em, key);
  if (!stripeAccount) return { account: platform, publishable };
  const existing = em.state.accounts.get(stripeAccount);
  if (existing && (existing.platformId === platform.id || existing.id === platform.id)) return { account: existing, publishable };
  if (!existing && em.options.autoConnectAccounts && /^acct_[A-Za-z0-9]+$/.test(stripeAccount)) {
    em.changed();
    return { account: connectAccount(em.state, platform.id, stripeAccount), publishable };
  }
  throw new StripeError(
    403,
    {
      type: 'invalid_request_error',
      code: 'account_invalid',
      message: `The provided key '${redact(key)}' does not have access to account '${stripeAccount}' (or that account does not exist). Application access may have been revoked.`,
    },
    { replayable: false },
  );
}
