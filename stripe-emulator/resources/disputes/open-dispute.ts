import type Stripe from 'stripe';
import type { AccountState } from '../../core/account-state.js';
import { SECONDS_PER_DAY } from '../../core/clock.js';
import { idOf, timeForCustomer, type Emulator } from '../../core/emulator.js';
import { newId } from '../../core/ids.js';
import { emitEvent } from '../events/emit-event.js';
import { deactivateMandates } from '../mandates/create-mandate.js';

/** Stripe's dispute fee in test mode (USD cents). */
export const DISPUTE_FEE = 1500;
/** Days a card dispute gives the merchant to respond. */
export const EVIDENCE_DAYS = 7;

const EMPTY_EVIDENCE = {
  access_activity_log: null, billing_address: null, cancellation_policy: null, cancellation_policy_disclosure: null, cancellation_rebuttal: null,
  customer_communication: null, customer_email_address: null, customer_name: null, customer_purchase_ip: null, customer_signature: null,
  duplicate_charge_documentation: null, duplicate_charge_explanation: null, duplicate_charge_id: null, enhanced_evidence: {}, product_description: null,
  receipt: null, refund_policy: null, refund_policy_disclosure: null, refund_refusal_explanation: null, service_date: null, service_documentation: null,
  shipping_address: null, shipping_carrier: null, shipping_date: null, shipping_documentation: null, shipping_tracking_number: null,
  uncategorized_file: null, uncategorized_text: null,
} as unknown as Stripe.Dispute.Evidence;

/** A balance transaction moving a dispute's money (withdrawal or reinstatement). */
export function disputeBalanceTransaction(dispute: Stripe.Dispute, createdSec: number, direction: 'withdrawal' | 'reinstatement'): Stripe.BalanceTransaction {
  const sign = direction === 'withdrawal' ? -1 : 1;
  const fee = direction === 'withdrawal' ? DISPUTE_FEE : 0;
  return {
    id: newId('txn'),
    object: 'balance_transaction',
    amount: sign * dispute.amount,
    available_on: createdSec,
    balance_type: 'payments',
    created: createdSec,
    currency: dispute.currency,
    description: `Chargeback ${direction} for ${idOf(dispute.charge) ?? ''}`,
    exchange_rate: null,
    fee,
    fee_details: fee ? [{ amount: fee, application: null, currency: dispute.currency, description: 'Dispute fee', type: 'stripe_fee' }] : [],
    net: sign * dispute.amount - fee,
    reporting_category: direction === 'withdrawal' ? 'dispute' : 'dispute_reversal',
    source: dispute.id,
    status: 'available',
    type: 'adjustment',
  } as unknown as Stripe.BalanceTransaction;
}

/**
 * Opens a dispute on a succeeded charge, as the test values do: card 4000000000000259 gets a
 * `fraudulent` dispute in `needs_response`; ACH account 000555555559 gets a final, `lost` dispute
 * that also voids the mandate. Emits `charge.dispute.created` and `charge.dispute.funds_withdrawn`
 * (plus `charge.dispute.closed` and `mandate.updated` for ACH). Call once per charge.
 */
export function openDispute(em: Emulator, account: AccountState, charge: Stripe.Charge): Stripe.Dispute {
  const isBank = charge.payment_method_details?.type === 'us_bank_account';
  const { ms } = timeForCustomer(em, account, idOf(charge.customer as string | null));
  const created = Math.floor(ms / 1000);
  const card = charge.payment_method_details?.card;
  const dispute: Stripe.Dispute = {
    id: newId('dp'),
    object: 'dispute',
    amount: charge.amount,
    balance_transactions: [],
    charge: charge.id,
    created,
    currency: charge.currency,
    enhanced_eligibility_types: [],
    evidence: structuredClone(EMPTY_EVIDENCE),
    evidence_details: {
      due_by: isBank ? null : created + EVIDENCE_DAYS * SECONDS_PER_DAY,
      enhanced_eligibility: {},
      has_evidence: false,
      past_due: false,
      submission_count: 0,
      submission_method: 'not_submitted',
    },
    intended_submission_method: null,
    is_charge_refundable: false,
    livemode: false,
    metadata: {},
    payment_intent: idOf(charge.payment_intent as string | null),
    payment_method_details: isBank
      ? ({ type: 'us_bank_account' } as unknown as Stripe.Dispute.PaymentMethodDetails)
      : { type: 'card', card: { brand: card?.brand ?? 'visa', case_type: 'chargeback', network_reason_code: '10.4' } as Stripe.Dispute.PaymentMethodDetails.Card },
    reason: isBank ? 'debit_not_authorized' : 'fraudulent',
    status: isBank ? 'lost' : 'needs_response',
  };
  dispute.balance_transactions.push(disputeBalanceTransaction(dispute, created, 'withdrawal'));
  account.disputes.set(dispute.id, { object: dispute, meta: {} });
  charge.disputed = true;
  emitEvent(em, account, 'charge.dispute.created', dispute);
  emitEvent(em, account, 'charge.dispute.funds_withdrawn', dispute);
  if (isBank) {
    emitEvent(em, account, 'charge.dispute.closed', dispute);
    const pmId = idOf(charge.payment_method);
    if (pmId) deactivateMandates(em, account, pmId);
  }
  return dispute;
}
