// What to do after an automatic charge fails, the way a careful collector would: soft declines retry
// on the MSP's schedule (days after the first failure), hard declines never retry (the client is
// asked for a new method), authentication_required waits for the client to authenticate on-session,
// and ACH retries at most `achMaxRetries` times (each failed debit costs the MSP a fee). Pure.

export type DeclineKind = 'soft' | 'hard' | 'authentication_required';

const HARD = new Set([
  // Bank accounts
  'account_closed', 'no_account', 'debit_not_authorized', 'invalid_account_number', 'bank_account_restricted', 'invalid_currency', 'bank_account_blocked',
  // Cards
  'lost_card', 'stolen_card', 'expired_card', 'pickup_card', 'restricted_card', 'fraudulent', 'do_not_honor', 'do_not_try_again', 'invalid_account',
  'incorrect_number', 'invalid_number', 'card_not_supported', 'currency_not_supported', 'revocation_of_authorization', 'revocation_of_all_authorizations',
  'stop_payment_order', 'security_violation', 'merchant_blacklist', 'new_account_information_available',
]);

export function classifyDecline(codes: { failureCode: string | null; declineCode: string | null }): DeclineKind {
  if (codes.failureCode === 'authentication_required' || codes.declineCode === 'authentication_required') return 'authentication_required';
  if ((codes.declineCode && HARD.has(codes.declineCode)) || (codes.failureCode && HARD.has(codes.failureCode))) return 'hard';
  // insufficient_funds, processing_error, generic_decline, card_declined without a do-not-retry code,
  // rate limits and API errors.
  return 'soft';
}

export interface RetryPolicy {
  retryScheduleDays: readonly number[];
  achMaxRetries: number;
}

/**
 * When to try again after attempt `attemptNo` failed, or null for never. `firstFailureAt` is when the
 * first attempt of this invoice's series failed (the schedule counts from it).
 */
export function nextRetryAt(p: { kind: DeclineKind; attemptNo: number; methodType: 'card' | 'us_bank_account'; firstFailureAt: Date; policy: RetryPolicy }): Date | null {
  if (p.kind !== 'soft') return null;
  const retriesSoFar = p.attemptNo - 1;
  const allowed = p.methodType === 'us_bank_account' ? Math.min(p.policy.achMaxRetries, p.policy.retryScheduleDays.length) : p.policy.retryScheduleDays.length;
  if (retriesSoFar >= allowed) return null;
  const days = p.policy.retryScheduleDays[retriesSoFar]!;
  return new Date(p.firstFailureAt.getTime() + days * 86_400_000);
}
