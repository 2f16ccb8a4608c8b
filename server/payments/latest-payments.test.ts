import { describe, expect, it } from 'vitest';
import { latestPaymentStatus, type PaymentStatusRow } from './latest-payments';

const base: PaymentStatusRow = { status: 'succeeded', amount: 10_000, amount_refunded: 0, dispute_status: null };

describe('latestPaymentStatus', () => {
  it.each<[Partial<PaymentStatusRow>, string]>([
    [{}, 'succeeded'],
    [{ status: 'pending' }, 'processing'],
    [{ status: 'processing' }, 'processing'],
    [{ status: 'requires_action' }, 'requires_action'],
    [{ status: 'failed' }, 'failed'],
    [{ status: 'canceled' }, 'canceled'],
    [{ amount_refunded: 2_500 }, 'partially_refunded'],
    [{ amount_refunded: 10_000 }, 'refunded'],
    [{ dispute_status: 'needs_response' }, 'disputed'],
    [{ dispute_status: 'under_review', amount_refunded: 10_000 }, 'disputed'],
    [{ dispute_status: 'lost' }, 'dispute_lost'],
    [{ dispute_status: 'won' }, 'succeeded'],
  ])('%o → %s', (row, expected) => {
    expect(latestPaymentStatus({ ...base, ...row })).toBe(expected);
  });

  it('fails closed on a status it does not know', () => {
    expect(() => latestPaymentStatus({ ...base, status: 'paid' as never })).toThrow(/unknown payment status/);
  });
});
