import type Stripe from 'stripe';
import type { AccountState, BalanceTransactionRecord } from '../../core/account-state.js';
import { idOf } from '../../core/emulator.js';
import { newId } from '../../core/ids.js';

/**
 * The emulator's fixed fee schedule (test mode; real Stripe pricing varies by account and country):
 * cards 2.9% + 30¢, ACH Direct Debit 0.8% capped at $5.00, refunds free (Stripe keeps the original
 * fee), disputes $15.00 (DISPUTE_FEE in disputes/). Rounded to the nearest cent.
 */
export function processingFee(amount: number, methodType: string | undefined): number {
  if (methodType === 'us_bank_account') return Math.min(Math.round(amount * 0.008), 500);
  return Math.round(amount * 0.029) + 30;
}

function record(account: AccountState, bt: Stripe.BalanceTransaction): void {
  if (!account.balanceTransactions.has(bt.id)) account.balanceTransactions.set(bt.id, { object: bt, meta: { payoutId: null } });
}

function txn(fields: { id: string; amount: number; fee: number; currency: string; created: number; type: string; category: string; source: string; description: string | null; feeLabel?: string }): Stripe.BalanceTransaction {
  return {
    id: fields.id,
    object: 'balance_transaction',
    amount: fields.amount,
    available_on: fields.created,
    balance_type: 'payments',
    created: fields.created,
    currency: fields.currency,
    description: fields.description,
    exchange_rate: null,
    fee: fields.fee,
    fee_details: fields.fee ? [{ amount: fields.fee, application: null, currency: fields.currency, description: fields.feeLabel ?? 'Stripe processing fees', type: 'stripe_fee' }] : [],
    net: fields.amount - fields.fee,
    reporting_category: fields.category,
    source: fields.source,
    status: 'available',
    type: fields.type,
  } as unknown as Stripe.BalanceTransaction;
}

/**
 * Brings the account's balance transactions up to date with what happened to its money: one per
 * succeeded charge (type `charge` for cards, `payment` for ACH, with the fee schedule above), one
 * per refund that counts (`refund`, negative) and one more when a refund failed
 * (`refund_failure`), and the dispute withdrawals/reinstatements disputes already carry. Derived
 * lazily so charges, refunds and disputes need no knowledge of balances. Idempotent: each source
 * gets its transaction once (ids are stored on the charge/refund, or taken from the dispute).
 */
export function materializeBalanceTransactions(account: AccountState): void {
  for (const { object: charge } of account.charges.values()) {
    if (charge.status !== 'succeeded') continue;
    if (!charge.balance_transaction) charge.balance_transaction = newId('txn');
    const id = idOf(charge.balance_transaction as string)!;
    if (account.balanceTransactions.has(id)) continue;
    const methodType = charge.payment_method_details?.type;
    record(account, txn({ id, amount: charge.amount, fee: processingFee(charge.amount, methodType), currency: charge.currency, created: charge.created, type: methodType === 'us_bank_account' ? 'payment' : 'charge', category: 'charge', source: charge.id, description: charge.description }));
  }
  for (const { object: refund } of account.refunds.values()) {
    const counted = refund.status === 'pending' || refund.status === 'succeeded' || refund.status === 'requires_action' || refund.status === 'failed' || refund.status === 'canceled';
    if (!counted) continue;
    if (!refund.balance_transaction) refund.balance_transaction = newId('txn');
    const id = idOf(refund.balance_transaction as string)!;
    record(account, txn({ id, amount: -refund.amount, fee: 0, currency: refund.currency, created: refund.created, type: 'refund', category: 'refund', source: refund.id, description: 'REFUND FOR CHARGE' }));
    const failureId = idOf(refund.failure_balance_transaction as string | null | undefined);
    if ((refund.status === 'failed' || refund.status === 'canceled') && failureId) {
      record(account, txn({ id: failureId, amount: refund.amount, fee: 0, currency: refund.currency, created: refund.created, type: 'refund_failure', category: 'refund_failure', source: refund.id, description: 'REFUND FAILURE' }));
    }
  }
  for (const { object: dispute } of account.disputes.values()) {
    for (const bt of dispute.balance_transactions) record(account, structuredClone(bt));
  }
}

/** Balance transactions not paid out yet, in one currency, oldest first. */
export function unpaidBalanceTransactions(account: AccountState, currency: string): BalanceTransactionRecord[] {
  materializeBalanceTransactions(account);
  return [...account.balanceTransactions.values()]
    .filter((r) => r.meta.payoutId === null && r.object.currency === currency && r.object.type !== 'payout')
    .sort((a, b) => a.object.created - b.object.created || (a.object.id < b.object.id ? -1 : 1));
}
