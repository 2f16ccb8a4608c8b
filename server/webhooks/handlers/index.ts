// The typed handler registry: one file per event type, a map keyed by every HandledEventType (a
// missing or misspelled entry is a compile error).
import { handleCashBalanceFundsAvailable } from './cash-balance-funds-available';
import { handleChargeDisputeClosed } from './charge-dispute-closed';
import { handleChargeDisputeCreated } from './charge-dispute-created';
import { handleChargeDisputeFundsReinstated } from './charge-dispute-funds-reinstated';
import { handleChargeDisputeFundsWithdrawn } from './charge-dispute-funds-withdrawn';
import { handleChargeDisputeUpdated } from './charge-dispute-updated';
import { handleChargeFailed } from './charge-failed';
import { handleChargeRefunded } from './charge-refunded';
import { handleCustomerCashBalanceTransactionCreated } from './customer-cash-balance-transaction-created';
import { handleCustomerDeleted } from './customer-deleted';
import { handleCustomerUpdated } from './customer-updated';
import { handleMandateUpdated } from './mandate-updated';
import { handlePaymentIntentCanceled } from './payment-intent-canceled';
import { handlePaymentIntentPaymentFailed } from './payment-intent-payment-failed';
import { handlePaymentIntentProcessing } from './payment-intent-processing';
import { handlePaymentIntentRequiresAction } from './payment-intent-requires-action';
import { handlePaymentIntentSucceeded } from './payment-intent-succeeded';
import { handlePaymentMethodAttached } from './payment-method-attached';
import { handlePaymentMethodAutomaticallyUpdated } from './payment-method-automatically-updated';
import { handlePaymentMethodDetached } from './payment-method-detached';
import { handlePaymentMethodUpdated } from './payment-method-updated';
import { handlePayoutPaid } from './payout-paid';
import { handleRefundCreated } from './refund-created';
import { handleRefundFailed } from './refund-failed';
import { handleRefundUpdated } from './refund-updated';
import { handleSetupIntentCanceled } from './setup-intent-canceled';
import { handleSetupIntentRequiresAction } from './setup-intent-requires-action';
import { handleSetupIntentSetupFailed } from './setup-intent-setup-failed';
import { handleSetupIntentSucceeded } from './setup-intent-succeeded';
import type { WebhookHandlerMap } from './webhook-handler';

export const webhookHandlers: WebhookHandlerMap = {
  'setup_intent.succeeded': handleSetupIntentSucceeded,
  'setup_intent.setup_failed': handleSetupIntentSetupFailed,
  'setup_intent.requires_action': handleSetupIntentRequiresAction,
  'setup_intent.canceled': handleSetupIntentCanceled,
  'payment_intent.processing': handlePaymentIntentProcessing,
  'payment_intent.succeeded': handlePaymentIntentSucceeded,
  'payment_intent.payment_failed': handlePaymentIntentPaymentFailed,
  'payment_intent.requires_action': handlePaymentIntentRequiresAction,
  'payment_intent.canceled': handlePaymentIntentCanceled,
  'charge.refunded': handleChargeRefunded,
  'charge.failed': handleChargeFailed,
  'refund.created': handleRefundCreated,
  'refund.updated': handleRefundUpdated,
  'refund.failed': handleRefundFailed,
  'charge.dispute.created': handleChargeDisputeCreated,
  'charge.dispute.updated': handleChargeDisputeUpdated,
  'charge.dispute.closed': handleChargeDisputeClosed,
  'charge.dispute.funds_withdrawn': handleChargeDisputeFundsWithdrawn,
  'charge.dispute.funds_reinstated': handleChargeDisputeFundsReinstated,
  'mandate.updated': handleMandateUpdated,
  'payment_method.attached': handlePaymentMethodAttached,
  'payment_method.detached': handlePaymentMethodDetached,
  'payment_method.updated': handlePaymentMethodUpdated,
  'payment_method.automatically_updated': handlePaymentMethodAutomaticallyUpdated,
  'customer.updated': handleCustomerUpdated,
  'customer.deleted': handleCustomerDeleted,
  'cash_balance.funds_available': handleCashBalanceFundsAvailable,
  'customer_cash_balance_transaction.created': handleCustomerCashBalanceTransactionCreated,
  'payout.paid': handlePayoutPaid,
};
