import type Stripe from 'stripe';
import type { AccountState, PaymentMethodRecord } from '../../core/account-state.js';
import type { Emulator } from '../../core/emulator.js';
import { newId } from '../../core/ids.js';

export interface ChargeFailure {
  code: string;
  message: string;
  decline_code?: string | undefined;
}

function methodDetails(pm: PaymentMethodRecord, mandate: string | null): Stripe.Charge.PaymentMethodDetails {
  const p = pm.object;
  if (p.card) {
    const c = p.card;
    return {
      type: 'card',
      card: {
        amount_authorized: null,
        authorization_code: null,
        brand: c.brand,
        checks: c.checks,
        country: c.country,
        exp_month: c.exp_month,
        exp_year: c.exp_year,
        extended_authorization: { status: 'disabled' },
        fingerprint: c.fingerprint ?? null,
        funding: c.funding,
        incremental_authorization: { status: 'unavailable' },
        installments: null,
        last4: c.last4,
        mandate: null,
        multicapture: { status: 'unavailable' },
        network: c.brand,
        network_token: { used: false },
        network_transaction_id: null,
        overcapture: { maximum_amount_capturable: 0, status: 'unavailable' },
        regulated_status: 'unregulated',
        three_d_secure: null,
        wallet: null,
      } as unknown as Stripe.Charge.PaymentMethodDetails.Card,
    };
  }
  const b = p.us_bank_account;
  return {
    type: 'us_bank_account',
    us_bank_account: {
      account_holder_type: b?.account_holder_type ?? null,
      account_type: b?.account_type ?? null,
      bank_name: b?.bank_name ?? null,
      fingerprint: b?.fingerprint ?? null,
      last4: b?.last4 ?? null,
      mandate,
      payment_reference: null,
      routing_number: b?.routing_number ?? null,
    } as Stripe.Charge.PaymentMethodDetails.UsBankAccount,
  };
}

/** Creates the Charge for one payment attempt; `status` is `succeeded`, `pending` or `failed`. */
export function createCharge(
  em: Emulator,
  account: AccountState,
  pi: Stripe.PaymentIntent,
  pm: PaymentMethodRecord,
  status: Stripe.Charge.Status,
  createdMs: number,
  failure: ChargeFailure | null,
  mandate: string | null,
): Stripe.Charge {
  const succeeded = status === 'succeeded';
  const charge: Stripe.Charge = {
    id: newId('ch'),
    object: 'charge',
    amount: pi.amount,
    amount_captured: succeeded ? pi.amount : 0,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: succeeded ? newId('txn') : null,
    billing_details: pm.object.billing_details,
    calculated_statement_descriptor: 'SETTLE',
    captured: succeeded,
    created: Math.floor(createdMs / 1000),
    currency: pi.currency,
    customer: pi.customer,
    description: pi.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: failure?.code ?? null,
    failure_message: failure?.message ?? null,
    fraud_details: {},
    livemode: false,
    metadata: { ...pi.metadata },
    on_behalf_of: null,
    outcome: failure
      ? { advice_code: null, network_advice_code: null, network_decline_code: null, network_status: 'declined_by_network', reason: failure.decline_code ?? failure.code, risk_level: 'normal', seller_message: 'The bank did not return any further details with this decline.', type: 'issuer_declined' }
      : { advice_code: null, network_advice_code: null, network_decline_code: null, network_status: 'approved_by_network', reason: null, risk_level: 'normal', seller_message: 'Payment complete.', type: 'authorized' },
    paid: succeeded,
    payment_intent: pi.id,
    payment_method: pm.object.id,
    payment_method_details: methodDetails(pm, mandate),
    receipt_email: pi.receipt_email,
    receipt_number: null,
    receipt_url: `${em.baseUrl}/_emulator/receipts/${account.id}`,
    refunded: false,
    review: null,
    shipping: null,
    source: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status,
    transfer_data: null,
    transfer_group: null,
  };
  account.charges.set(charge.id, { object: charge, meta: {} });
  return charge;
}
