import type Stripe from 'stripe';
import type { TestBehavior } from '../resources/payment-methods/test-behaviors.js';

/** A stored Stripe object plus the emulator's private bookkeeping about it. */
export interface Rec<T, M = object> {
  object: T;
  meta: M;
}

export interface MicrodepositState {
  type: 'amounts' | 'descriptor_code';
  failedAttempts: number;
  /** Emulator/test-clock time (ms) after which verification times out. */
  expiresAtMs: number;
  clockId: string | null;
  failed: boolean;
}

export interface CustomerMeta {
  deleted: boolean;
}
export interface PaymentMethodMeta {
  behavior: TestBehavior;
  /** Bank account verified (instantly or by micro-deposits); cards are always verified. */
  verified: boolean;
  /** Card set up for off-session use through a SetupIntent (matters for 4000002500003155). */
  offSessionReady: boolean;
}
export interface IntentMeta {
  microdeposits: MicrodepositState | null;
  /** `mandate_data.customer_acceptance` given at confirmation, used when the mandate is created. */
  acceptance: Stripe.Mandate.CustomerAcceptance | null;
  /** `return_url` given at confirmation: where the 3-D Secure page sends the customer back. */
  returnUrl?: string | null;
}
export interface RefundMeta {
  /** Refund that fails after first succeeding (card 4000000000005126). */
  failLater: boolean;
}
export interface WebhookEndpointMeta {
  secret: string;
  connect: boolean;
}

export type CustomerRecord = Rec<Stripe.Customer, CustomerMeta>;
export type PaymentMethodRecord = Rec<Stripe.PaymentMethod, PaymentMethodMeta>;
export type SetupIntentRecord = Rec<Stripe.SetupIntent, IntentMeta>;
export type PaymentIntentRecord = Rec<Stripe.PaymentIntent, IntentMeta>;
export type WebhookEndpointRecord = Rec<Stripe.WebhookEndpoint, WebhookEndpointMeta>;
export type RefundRecord = Rec<Stripe.Refund, RefundMeta>;
export interface BalanceTransactionMeta {
  /** The payout that settled this transaction (null: still in the balance). */
  payoutId: string | null;
}
export type BalanceTransactionRecord = Rec<Stripe.BalanceTransaction, BalanceTransactionMeta>;

export interface AccountState {
  id: string;
  /** Set for accounts reached through `Stripe-Account`: the platform that connected them. */
  platformId: string | null;
  customers: Map<string, CustomerRecord>;
  paymentMethods: Map<string, PaymentMethodRecord>;
  setupIntents: Map<string, SetupIntentRecord>;
  setupAttempts: Map<string, Rec<Stripe.SetupAttempt>>;
  paymentIntents: Map<string, PaymentIntentRecord>;
  charges: Map<string, Rec<Stripe.Charge>>;
  mandates: Map<string, Rec<Stripe.Mandate>>;
  events: Map<string, Rec<Stripe.Event>>;
  webhookEndpoints: Map<string, WebhookEndpointRecord>;
  testClocks: Map<string, Rec<Stripe.TestHelpers.TestClock>>;
  refunds: Map<string, RefundRecord>;
  disputes: Map<string, Rec<Stripe.Dispute>>;
  /** Keyed by customer id. */
  cashBalances: Map<string, Rec<Stripe.CashBalance>>;
  cashBalanceTransactions: Map<string, Rec<Stripe.CustomerCashBalanceTransaction>>;
  /** Derived from charges, refunds and disputes when first needed (see balance-transactions/). */
  balanceTransactions: Map<string, BalanceTransactionRecord>;
  payouts: Map<string, Rec<Stripe.Payout>>;
}

export type CollectionName = Exclude<keyof AccountState, 'id' | 'platformId'>;

export const COLLECTION_NAMES: readonly CollectionName[] = [
  'customers',
  'paymentMethods',
  'setupIntents',
  'setupAttempts',
  'paymentIntents',
  'charges',
  'mandates',
  'events',
  'webhookEndpoints',
  'testClocks',
  'refunds',
  'disputes',
  'cashBalances',
  'cashBalanceTransactions',
  'balanceTransactions',
  'payouts',
];

export function createAccountState(id: string, platformId: string | null = null): AccountState {
  return {
    id,
    platformId,
    customers: new Map(),
    paymentMethods: new Map(),
    setupIntents: new Map(),
    setupAttempts: new Map(),
    paymentIntents: new Map(),
    charges: new Map(),
    mandates: new Map(),
    events: new Map(),
    webhookEndpoints: new Map(),
    testClocks: new Map(),
    refunds: new Map(),
    disputes: new Map(),
    cashBalances: new Map(),
    cashBalanceTransactions: new Map(),
    balanceTransactions: new Map(),
    payouts: new Map(),
  };
}

const PREFIX_TO_COLLECTION: Record<string, CollectionName> = {
  cus: 'customers',
  pm: 'paymentMethods',
  seti: 'setupIntents',
  setatt: 'setupAttempts',
  pi: 'paymentIntents',
  ch: 'charges',
  py: 'charges',
  mandate: 'mandates',
  evt: 'events',
  we: 'webhookEndpoints',
  clock: 'testClocks',
  re: 'refunds',
  dp: 'disputes',
  du: 'disputes',
  ccsbtxn: 'cashBalanceTransactions',
  txn: 'balanceTransactions',
  po: 'payouts',
};

/** Finds any stored object by id (used by `expand`). Deleted customers are not found. */
export function findObjectById(account: AccountState, id: string): unknown {
  const prefix = id.slice(0, id.indexOf('_'));
  const name = PREFIX_TO_COLLECTION[prefix];
  if (!name) return undefined;
  const rec = (account[name] as Map<string, Rec<unknown, object>>).get(id);
  if (!rec) return undefined;
  if (name === 'customers' && (rec.meta as CustomerMeta).deleted) return undefined;
  return rec.object;
}
