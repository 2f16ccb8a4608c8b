// Stripe calls made on behalf of an admin: a network failure, 5xx or rate limit becomes one stable
// code (nothing in Settle was changed when it is thrown), anything else propagates.
import Stripe from 'stripe';
import { AppError } from '../http/app-error';

export async function stripeCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (
      err instanceof Stripe.errors.StripeConnectionError ||
      err instanceof Stripe.errors.StripeAPIError ||
      err instanceof Stripe.errors.StripeRateLimitError ||
      (err instanceof Stripe.errors.StripeError && (err.statusCode ?? 0) >= 500)
    ) {
      throw new AppError('MAPPING_STRIPE_UNAVAILABLE', { cause: err });
    }
    throw err;
  }
}

/** True for Stripe's "No such customer" (404 resource_missing). */
export function isMissingResource(err: unknown): boolean {
  return err instanceof Stripe.errors.StripeInvalidRequestError && (err.statusCode === 404 || err.code === 'resource_missing');
}

/** True for a PostgreSQL unique violation, optionally of one constraint/index. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = err as { code?: string; constraint?: string } | null;
  return e?.code === '23505' && (constraint === undefined || e.constraint === constraint);
}
