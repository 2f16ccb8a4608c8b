import type Stripe from 'stripe';
import type { AccountState } from '../../core/account-state.js';
import { SECONDS_PER_DAY } from '../../core/clock.js';
import type { Emulator } from '../../core/emulator.js';
import { newId } from '../../core/ids.js';
import { invalidRequest } from '../../core/stripe-error.js';
import { emitEvent } from '../events/emit-event.js';
import { unpaidBalanceTransactions } from '../balance-transactions/materialize-balance-transactions.js';

/** Days between a payout and its arrival in the bank (Stripe's standard US schedule is 2). */
export const PAYOUT_ARRIVAL_DAYS = 2;

/**
 * What Stripe's automatic payout schedule does on payout day: everything available in the balance
 * (in one currency) is paid out as one payout, whose balance transactions
 * (`GET /v1/balance_transactions?payout=po_…`) are exactly the ones it settled plus its own `payout`
 * transaction. The emulator pays out on request (control endpoint) and the payout is `paid` at once
 * (`payout.created`, then `payout.paid`), with arrival_date two days later. Refuses when the
 * available balance is zero or negative (`balance_insufficient`). Not idempotent: each call pays
 * out what accrued since the last one.
 */
export function createAutomaticPayout(em: Emulator, account: AccountState, currency: string): Stripe.Payout {
  const included = unpaidBalanceTransactions(account, currency);
  const amount = included.reduce((s, r) => s + r.object.net, 0);
  if (included.length === 0 || amount <= 0) {
    throw invalidRequest('You have insufficient funds in your Stripe account for this payout.', { code: 'balance_insufficient' });
  }
  const created = em.clock.nowSeconds();
  const payoutTxnId = newId('txn');
  const payout = {
    id: newId('po'),
    object: 'payout',
    amount,
    application_fee: null,
    application_fee_amount: null,
    arrival_date: created + PAYOUT_ARRIVAL_DAYS * SECONDS_PER_DAY,
    automatic: true,
    balance_transaction: payoutTxnId,
    created,
    currency,
    description: 'STRIPE PAYOUT',
    destination: `ba_${account.id.slice(5)}`,
    failure_balance_transaction: null,
    failure_code: null,
    failure_message: null,
    livemode: false,
    metadata: {},
    method: 'standard',
    original_payout: null,
    payout_method: null,
    reconciliation_status: 'completed',
    reversed_by: null,
    source_type: 'card',
    statement_descriptor: null,
    status: 'paid',
    trace_id: null,
    type: 'bank_account',
  } as unknown as Stripe.Payout;
  for (const r of included) r.meta.payoutId = payout.id;
  account.balanceTransactions.set(payoutTxnId, {
    object: {
      id: payoutTxnId, object: 'balance_transaction', amount: -amount, available_on: created, balance_type: 'payments', created, currency, description: 'STRIPE PAYOUT',
      exchange_rate: null, fee: 0, fee_details: [], net: -amount, reporting_category: 'payout', source: payout.id, status: 'available', type: 'payout',
    } as unknown as Stripe.BalanceTransaction,
    meta: { payoutId: payout.id },
  });
  account.payouts.set(payout.id, { object: payout, meta: {} });
  emitEvent(em, account, 'payout.created', payout);
  emitEvent(em, account, 'payout.paid', payout);
  em.changed();
  return payout;
}
