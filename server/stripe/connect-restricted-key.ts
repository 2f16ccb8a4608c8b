import Stripe from 'stripe';
import { AppError } from '../http/app-error';
import type { AppContext } from '../http/context';
import { REQUIRED_PERMISSIONS, type RequiredPermission } from './required-permissions';

export interface PermissionReport {
  accountId: string;
  livemode: boolean;
  granted: string[];
  missing: RequiredPermission[];
}

const ACCOUNT_IN_MESSAGE = /on account '(acct_[A-Za-z0-9]+)'/;

function isPermissionError(err: unknown): err is Stripe.errors.StripeError {
  return err instanceof Stripe.errors.StripePermissionError || (err instanceof Stripe.errors.StripeError && err.statusCode === 403);
}

/** Which account a key belongs to: GET /v1/account, or the account Stripe names when it says no. */
async function accountOf(stripe: Stripe): Promise<string> {
  try {
    return (await stripe.accounts.retrieveCurrent()).id;
  } catch (err) {
    const named = isPermissionError(err) ? ACCOUNT_IN_MESSAGE.exec(err.message)?.[1] : undefined;
    if (named) return named;
    throw translate(err);
  }
}

function translate(err: unknown): AppError {
  if (err instanceof Stripe.errors.StripeAuthenticationError) {
    return new AppError('STRIPE_KEY_INVALID', { message: 'Stripe did not accept this key. Check that you copied the whole restricted key and that it has not been rolled or deleted.' });
  }
  return new AppError('STRIPE_UNAVAILABLE', { cause: err });
}

/**
 * Tests a restricted key against Stripe: which account it belongs to and which of Settle's
 * permissions it has. Read-only: every probe either reads or updates an id that cannot exist.
 */
export async function checkRestrictedKey(ctx: AppContext, key: string): Promise<PermissionReport> {
  const stripe = ctx.stripe.forSecret(key);
  const accountId = await accountOf(stripe);
  const granted: string[] = [];
  const missing: RequiredPermission[] = [];
  for (const permission of REQUIRED_PERMISSIONS) {
    try {
      await permission.probe(stripe);
      granted.push(permission.id);
    } catch (err) {
      if (isPermissionError(err)) missing.push(permission);
      else if (err instanceof Stripe.errors.StripeInvalidRequestError) granted.push(permission.id); // 404: allowed, and nothing there
      else throw translate(err);
    }
  }
  return { accountId, livemode: key.startsWith('rk_live_'), granted, missing };
}

export const KEY_PATTERNS = {
  restricted: /^rk_(test|live)_[A-Za-z0-9_]{10,}$/,
  secret: /^sk_(test|live)_/,
  publishable: /^pk_(test|live)_[A-Za-z0-9_]{10,}$/,
};

/** Refuses what must never be pasted or cannot work, before anything is sent to Stripe. */
export function assertAcceptableKeys(restrictedKey: string, publishableKey: string): void {
  if (KEY_PATTERNS.secret.test(restrictedKey)) {
    throw new AppError('STRIPE_SECRET_KEY_REFUSED');
  }
  if (!KEY_PATTERNS.restricted.test(restrictedKey)) {
    throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'restrictedKey', message: 'Paste a restricted key: it starts with rk_test_ or rk_live_.' }] });
  }
  if (!KEY_PATTERNS.publishable.test(publishableKey)) {
    throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'publishableKey', message: 'Paste the publishable key: it starts with pk_test_ or pk_live_.' }] });
  }
  if (restrictedKey.startsWith('rk_live_') !== publishableKey.startsWith('pk_live_')) {
    throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'publishableKey', message: 'Both keys must be from the same mode: test with test, live with live.' }] });
  }
}
