import { describe, expect, it } from 'vitest';
import { classifyDecline, nextRetryAt } from './decline-policy';

const policy = { retryScheduleDays: [3, 5, 7], achMaxRetries: 1 };
const first = new Date('2026-11-01T14:00:00Z');

describe('decline policy', () => {
  it('sorts declines into soft, hard and authentication-required', () => {
    expect(classifyDecline({ failureCode: 'card_declined', declineCode: 'insufficient_funds' })).toBe('soft');
    expect(classifyDecline({ failureCode: 'card_declined', declineCode: 'generic_decline' })).toBe('soft');
    expect(classifyDecline({ failureCode: 'processing_error', declineCode: null })).toBe('soft');
    expect(classifyDecline({ failureCode: 'card_declined', declineCode: 'lost_card' })).toBe('hard');
    expect(classifyDecline({ failureCode: 'expired_card', declineCode: null })).toBe('hard');
    expect(classifyDecline({ failureCode: 'card_declined', declineCode: 'do_not_honor' })).toBe('hard');
    expect(classifyDecline({ failureCode: 'account_closed', declineCode: null })).toBe('hard');
    expect(classifyDecline({ failureCode: 'debit_not_authorized', declineCode: null })).toBe('hard');
    expect(classifyDecline({ failureCode: 'authentication_required', declineCode: 'authentication_required' })).toBe('authentication_required');
  });

  it('retries soft card declines 3, 5 and 7 days after the first failure, then stops', () => {
    const at = (attemptNo: number) => nextRetryAt({ kind: 'soft', attemptNo, methodType: 'card', firstFailureAt: first, policy });
    expect(at(1)).toEqual(new Date('2026-11-04T14:00:00Z'));
    expect(at(2)).toEqual(new Date('2026-11-06T14:00:00Z'));
    expect(at(3)).toEqual(new Date('2026-11-08T14:00:00Z'));
    expect(at(4)).toBeNull();
  });

  it('retries ACH at most once by default, and never a hard decline or one needing authentication', () => {
    expect(nextRetryAt({ kind: 'soft', attemptNo: 1, methodType: 'us_bank_account', firstFailureAt: first, policy })).toEqual(new Date('2026-11-04T14:00:00Z'));
    expect(nextRetryAt({ kind: 'soft', attemptNo: 2, methodType: 'us_bank_account', firstFailureAt: first, policy })).toBeNull();
    expect(nextRetryAt({ kind: 'hard', attemptNo: 1, methodType: 'card', firstFailureAt: first, policy })).toBeNull();
    expect(nextRetryAt({ kind: 'authentication_required', attemptNo: 1, methodType: 'card', firstFailureAt: first, policy })).toBeNull();
  });
});
