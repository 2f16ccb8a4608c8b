import type Stripe from 'stripe';
import type { AccountState, Rec } from '../../core/account-state.js';
import { timeForCustomer, type Emulator } from '../../core/emulator.js';
import { newId } from '../../core/ids.js';
import { invalidRequest } from '../../core/stripe-error.js';
import { emitEvent } from '../events/emit-event.js';

/** The customer's cash balance, created empty on first use (Stripe shows `available: null` until funded). */
export function cashBalanceFor(em: Emulator, account: AccountState, customerId: string): Rec<Stripe.CashBalance> {
  let rec = account.cashBalances.get(customerId);
  if (!rec) {
    rec = {
      object: {
        object: 'cash_balance',
        available: null,
        customer: customerId,
        customer_account: null,
        livemode: false,
        settings: { reconciliation_mode: 'automatic', using_merchant_default: true },
      },
      meta: {},
    };
    account.cashBalances.set(customerId, rec);
    em.changed();
  }
  return rec;
}

export interface FundCashBalanceInput {
  amount: number;
  currency: string;
  reference?: string | undefined;
}

/**
 * Test helper: a bank transfer from the customer arrives. Adds to the cash balance and records a
 * `funded` transaction; emits `customer_cash_balance_transaction.created` then
 * `cash_balance.funds_available`. Not idempotent: every call is a new transfer. Never applies the
 * funds to payments (the emulator has no `customer_balance` PaymentIntents).
 */
export function fundCashBalance(em: Emulator, account: AccountState, customerId: string, input: FundCashBalanceInput): Stripe.CustomerCashBalanceTransaction {
  if (input.amount < 1) throw invalidRequest('Amount must be at least 1.', { param: 'amount', code: 'parameter_invalid_integer' });
  const currency = input.currency.toLowerCase();
  if (!/^[a-z]{3}$/.test(currency)) throw invalidRequest(`Invalid currency: ${input.currency}.`, { param: 'currency' });
  const balance = cashBalanceFor(em, account, customerId).object;
  const available = { ...(balance.available ?? {}) };
  available[currency] = (available[currency] ?? 0) + input.amount;
  balance.available = available;
  const { ms } = timeForCustomer(em, account, customerId);
  const txn: Stripe.CustomerCashBalanceTransaction = {
    id: newId('ccsbtxn'),
    object: 'customer_cash_balance_transaction',
    created: Math.floor(ms / 1000),
    currency,
    customer: customerId,
    customer_account: null,
    ending_balance: available[currency] ?? 0,
    funded: {
      bank_transfer: {
        reference: input.reference ?? null,
        type: 'us_bank_transfer',
        us_bank_transfer: { network: 'ach', sender_name: 'Test Sender' },
      } as Stripe.CustomerCashBalanceTransaction.Funded.BankTransfer,
    },
    livemode: false,
    net_amount: input.amount,
    type: 'funded',
  };
  account.cashBalanceTransactions.set(txn.id, { object: txn, meta: {} });
  emitEvent(em, account, 'customer_cash_balance_transaction.created', txn);
  emitEvent(em, account, 'cash_balance.funds_available', balance);
  return txn;
}
