import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { mapSetupIntent } from '../payment-methods/map-setup-intent-status';
import { mapPaymentIntentStatus } from './map-payment-intent-status';

const error = { type: 'card_error', code: 'card_declined', message: 'Your card was declined.' } as Stripe.PaymentIntent.LastPaymentError;

describe('mapPaymentIntentStatus', () => {
  it.each([
    ['succeeded', null, 'succeeded'],
    ['processing', null, 'processing'],
    ['requires_capture', null, 'processing'],
    ['requires_action', null, 'requires_action'],
    ['requires_confirmation', null, 'pending'],
    ['requires_payment_method', null, 'pending'],
    ['requires_payment_method', error, 'failed'],
    ['canceled', null, 'canceled'],
  ] as const)('%s (error: %s) → %s', (status, lastError, expected) => {
    expect(mapPaymentIntentStatus({ status, last_payment_error: lastError })).toBe(expected);
  });

  it('fails closed on a status it does not know', () => {
    expect(() => mapPaymentIntentStatus({ status: 'paid_somehow' as Stripe.PaymentIntent.Status, last_payment_error: null })).toThrow(/unknown PaymentIntent status/);
  });
});

describe('mapSetupIntent', () => {
  const micro = { type: 'verify_with_microdeposits', verify_with_microdeposits: { arrival_date: 1_795_000_000, hosted_verification_url: 'https://x/verify', microdeposit_type: 'descriptor_code' } } as Stripe.SetupIntent.NextAction;
  it.each([
    [{ status: 'succeeded', next_action: null, last_setup_error: null }, 'active'],
    [{ status: 'requires_action', next_action: micro, last_setup_error: null }, 'pending_verification'],
    [{ status: 'processing', next_action: null, last_setup_error: null }, 'pending_verification'],
    [{ status: 'requires_payment_method', next_action: null, last_setup_error: null }, 'pending_verification'],
    [{ status: 'requires_payment_method', next_action: null, last_setup_error: { code: 'payment_method_microdeposit_verification_attempts_exceeded' } }, 'verification_failed'],
    [{ status: 'requires_payment_method', next_action: null, last_setup_error: { code: 'payment_method_microdeposit_verification_timeout' } }, 'expired'],
    [{ status: 'canceled', next_action: null, last_setup_error: null }, 'expired'],
  ] as const)('%o → %s', (si, expected) => {
    expect(mapSetupIntent(si as unknown as Stripe.SetupIntent).status).toBe(expected);
  });

  it('keeps the micro-deposit details', () => {
    expect(mapSetupIntent({ status: 'requires_action', next_action: micro, last_setup_error: null })).toEqual({
      status: 'pending_verification',
      microdeposit_type: 'descriptor_code',
      microdeposit_arrival_date: new Date(1_795_000_000 * 1000).toISOString().slice(0, 10),
      hosted_verification_url: 'https://x/verify',
    });
  });

  it('fails closed on a status it does not know', () => {
    expect(() => mapSetupIntent({ status: 'weird', next_action: null, last_setup_error: null } as unknown as Stripe.SetupIntent)).toThrow(/unknown SetupIntent status/);
  });
});
