import type Stripe from 'stripe';
import type { AccountState, PaymentMethodRecord } from '../../core/account-state.js';
import type { Emulator } from '../../core/emulator.js';
import { fingerprintFor, newId } from '../../core/ids.js';
import { StripeError, invalidRequest, resourceMissing } from '../../core/stripe-error.js';
import {
  TEST_BANK_ACCOUNTS,
  TEST_CARDS,
  TEST_ROUTING_NUMBER,
  brandForNumber,
  luhnValid,
  type TestBehavior,
  type TestCard,
} from './test-behaviors.js';

export interface CardInput {
  number: string;
  exp_month: number;
  exp_year: number;
  cvc?: string | undefined;
}

export interface BankInput {
  routing_number?: string | undefined;
  account_number?: string | undefined;
  account_holder_type?: 'individual' | 'company' | undefined;
  account_type?: 'checking' | 'savings' | undefined;
}

export interface BillingDetailsInput {
  name?: string | undefined;
  email?: string | undefined;
  phone?: string | undefined;
  address?: Partial<Stripe.Address> | '' | undefined;
}

export interface PaymentMethodInput {
  type: 'card' | 'us_bank_account';
  card?: CardInput | undefined;
  us_bank_account?: BankInput | undefined;
  billing_details?: BillingDetailsInput | undefined;
  metadata?: Record<string, string> | undefined;
  allow_redisplay?: Stripe.PaymentMethod.AllowRedisplay | undefined;
}

function cardError(code: string, message: string, param: string): StripeError {
  return new StripeError(402, { type: 'card_error', code, message, param });
}

export function billingDetails(input: BillingDetailsInput | undefined): Stripe.PaymentMethod.BillingDetails {
  const a = input?.address || undefined;
  return {
    address: {
      city: a?.city ?? null,
      country: a?.country ?? null,
      line1: a?.line1 ?? null,
      line2: a?.line2 ?? null,
      postal_code: a?.postal_code ?? null,
      state: a?.state ?? null,
    },
    email: input?.email ?? null,
    name: input?.name ?? null,
    phone: input?.phone ?? null,
    tax_id: null,
  };
}

function cardDetails(card: CardInput, nowMs: number): { details: Stripe.PaymentMethod.Card; behavior: TestBehavior } {
  const number = card.number.replace(/[\s-]/g, '');
  if (!/^\d+$/.test(number) || !luhnValid(number)) throw cardError('incorrect_number', 'Your card number is incorrect.', 'card[number]');
  if (card.exp_month < 1 || card.exp_month > 12) {
    throw cardError('invalid_expiry_month', "Your card's expiration month is invalid.", 'card[exp_month]');
  }
  const year = card.exp_year < 100 ? 2000 + card.exp_year : card.exp_year;
  const now = new Date(nowMs);
  if (year < now.getUTCFullYear() || (year === now.getUTCFullYear() && card.exp_month < now.getUTCMonth() + 1)) {
    throw cardError('invalid_expiry_year', "Your card's expiration year is invalid.", 'card[exp_year]');
  }
  const known: TestCard | undefined = TEST_CARDS.find((c) => c.number === number);
  const brand = known?.brand ?? brandForNumber(number);
  const details: Stripe.PaymentMethod.Card = {
    brand,
    checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: card.cvc ? 'unchecked' : null },
    country: 'US',
    display_brand: brand === 'amex' ? 'american_express' : brand,
    exp_month: card.exp_month,
    exp_year: year,
    fingerprint: fingerprintFor(number),
    funding: known?.funding ?? 'credit',
    generated_from: null,
    last4: number.slice(-4),
    networks: { available: [brand], preferred: null },
    regulated_status: 'unregulated',
    three_d_secure_usage: { supported: true },
    wallet: null,
  };
  return { details, behavior: { kind: 'card', outcome: known?.outcome ?? 'succeed' } };
}

function bankDetails(bank: BankInput, instant: boolean): { details: Stripe.PaymentMethod.UsBankAccount; behavior: TestBehavior } {
  const routing = bank.routing_number ?? '';
  const accountNumber = bank.account_number ?? '';
  if (!/^\d{9}$/.test(routing)) {
    throw invalidRequest('Routing number must have 9 digits', { param: 'us_bank_account[routing_number]', code: 'routing_number_invalid' });
  }
  if (!/^\d{4,17}$/.test(accountNumber)) {
    throw invalidRequest('Account number must be between 4 and 17 digits', { param: 'us_bank_account[account_number]', code: 'account_number_invalid' });
  }
  const known = routing === TEST_ROUTING_NUMBER ? TEST_BANK_ACCOUNTS.find((a) => a.accountNumber === accountNumber) : undefined;
  const details: Stripe.PaymentMethod.UsBankAccount = {
    account_holder_type: bank.account_holder_type ?? 'individual',
    account_type: bank.account_type ?? 'checking',
    bank_name: routing === TEST_ROUTING_NUMBER ? 'STRIPE TEST BANK' : 'TEST BANK',
    financial_connections_account: instant ? newId('fca') : null,
    fingerprint: fingerprintFor(`${routing}:${accountNumber}`),
    last4: accountNumber.slice(-4),
    networks: { preferred: 'ach', supported: ['ach'] },
    routing_number: routing,
    status_details: null,
  };
  return { details, behavior: { kind: 'us_bank_account', outcome: known?.outcome ?? 'succeed', instant } };
}

/** Creates and stores a detached PaymentMethod. Not idempotent (each call creates a new `pm_…`). */
export function createPaymentMethod(em: Emulator, account: AccountState, input: PaymentMethodInput, instant = false): PaymentMethodRecord {
  const nowMs = em.clock.nowMs();
  const pm: Stripe.PaymentMethod = {
    id: newId('pm'),
    object: 'payment_method',
    allow_redisplay: input.allow_redisplay ?? 'unspecified',
    billing_details: billingDetails(input.billing_details),
    created: Math.floor(nowMs / 1000),
    customer: null,
    customer_account: null,
    livemode: false,
    metadata: input.metadata ?? {},
    type: input.type,
  };
  let behavior: TestBehavior;
  if (input.type === 'card') {
    if (!input.card) throw invalidRequest('Missing required param: card.', { param: 'card', code: 'parameter_missing' });
    const built = cardDetails(input.card, nowMs);
    pm.card = built.details;
    behavior = built.behavior;
  } else {
    if (!input.us_bank_account) throw invalidRequest('Missing required param: us_bank_account.', { param: 'us_bank_account', code: 'parameter_missing' });
    if (!input.billing_details?.name) {
      throw invalidRequest('Missing required param: billing_details[name].', { param: 'billing_details[name]', code: 'parameter_missing' });
    }
    const built = bankDetails(input.us_bank_account, instant);
    pm.us_bank_account = built.details;
    behavior = built.behavior;
  }
  const rec: PaymentMethodRecord = { object: pm, meta: { behavior, verified: behavior.kind === 'card' || instant, offSessionReady: false } };
  account.paymentMethods.set(pm.id, rec);
  em.changed();
  return rec;
}

/** Creates a PaymentMethod from a test token such as `pm_card_visa` or `pm_usBankAccount_success`. */
function createFromToken(em: Emulator, account: AccountState, token: string): PaymentMethodRecord | null {
  const card = TEST_CARDS.find((c) => c.tokens.includes(token));
  if (card) {
    const year = new Date(em.clock.nowMs()).getUTCFullYear() + 3;
    return createPaymentMethod(em, account, { type: 'card', card: { number: card.number, exp_month: 12, exp_year: year, cvc: '123' } });
  }
  const bank = TEST_BANK_ACCOUNTS.find((a) => a.token === token);
  if (bank) {
    return createPaymentMethod(
      em,
      account,
      {
        type: 'us_bank_account',
        us_bank_account: { routing_number: TEST_ROUTING_NUMBER, account_number: bank.accountNumber },
        billing_details: { name: 'Jenny Rosen' },
      },
      true,
    );
  }
  return null;
}

/**
 * Looks up a PaymentMethod by id, or (test mode) creates a fresh one from a `pm_card_*` /
 * `pm_usBankAccount_*` token wherever a payment method id is accepted.
 */
export function resolvePaymentMethod(em: Emulator, account: AccountState, idOrToken: string, param = 'payment_method'): PaymentMethodRecord {
  const existing = account.paymentMethods.get(idOrToken);
  if (existing) return existing;
  const created = createFromToken(em, account, idOrToken);
  if (created) return created;
  throw resourceMissing('PaymentMethod', idOrToken, param);
}
