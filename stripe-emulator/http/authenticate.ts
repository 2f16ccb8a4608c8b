import type { AccountState } from '../core/account-state.js';
import type { Emulator } from '../core/emulator.js';
import { accountForKey, connectAccount } from '../core/emulator-state.js';
import { StripeError } from '../core/stripe-error.js';

const KEY_PATTERN = /^(sk|rk)_test_[A-Za-z0-9_]+$/;

function authError(message: string): StripeError {
  return new StripeError(401, { type: 'invalid_request_error', message }, { replayable: false });
}

function keyFromHeader(header: string | undefined): string | null {
  if (!header) return null;
  if (header.startsWith('Bearer ')) return header.slice(7).trim();
  if (header.startsWith('Basic ')) {
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    return decoded.split(':')[0] ?? null;
  }
  return null;
}

function redact(key: string): string {
  return `${key.slice(0, key.indexOf('_', 3) + 1)}${'*'.repeat(Math.max(0, key.length - 12))}${key.slice(-4)}`;
}

/**
 * Resolves the account a request acts on: any `sk_test_…`/`rk_test_…` key is its own platform
 * account; `Stripe-Account` selects an account connected to that platform.
 */
export function authenticate(em: Emulator, authorization: string | undefined, stripeAccount: string | undefined): AccountState {
  const key = keyFromHeader(authorization);
  if (!key) {
    throw authError(
      "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
    );
  }
  if (!KEY_PATTERN.test(key)) throw authError(`Invalid API Key provided: ${redact(key)}`);
  const platform = accountForKey(em.state, key);
  if (!stripeAccount) return platform;
  const existing = em.state.accounts.get(stripeAccount);
  if (existing && (existing.platformId === platform.id || existing.id === platform.id)) return existing;
  if (!existing && em.options.autoConnectAccounts && /^acct_[A-Za-z0-9]+$/.test(stripeAccount)) {
    em.changed();
    return connectAccount(em.state, platform.id, stripeAccount);
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
