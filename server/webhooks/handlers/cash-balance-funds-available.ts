// cash_balance.funds_available: Bank-transfer funds arrived in a customer cash balance.
// A trigger only: importCashBalance() lists the customer's cash balance transactions from Stripe and
// imports every funding not imported yet as a bank-transfer payment (run through the matching
// engine). Converges with customer_cash_balance_transaction.created; idempotent.
import { importCashBalance } from '../../ledger/import-bank-transfer';
import { idOf } from '../../stripe/stripe-sync-options';
import type { WebhookHandler } from './webhook-handler';

export const handleCashBalanceFundsAvailable: WebhookHandler<'cash_balance.funds_available'> = async ({ event, sync }) => {
  const customerId = idOf(event.data.object.customer);
  if (!customerId) return { outcome: 'not_ours' };
  return importCashBalance({ ...sync, customerId });
};
