// customer_cash_balance_transaction.created: A customer cash balance transaction (bank transfer received or applied).
// A trigger only: importCashBalanceTransaction() re-fetches the transaction and, for a funding,
// imports it as a bank-transfer payment run through the matching engine. Idempotent by its id.
import { importCashBalanceTransaction } from '../../ledger/import-bank-transfer';
import { idOf } from '../../stripe/stripe-sync-options';
import type { WebhookHandler } from './webhook-handler';

export const handleCustomerCashBalanceTransactionCreated: WebhookHandler<'customer_cash_balance_transaction.created'> = async ({ event, sync }) => {
  const customerId = idOf(event.data.object.customer);
  if (!customerId) return { outcome: 'not_ours' };
  return importCashBalanceTransaction({ ...sync, customerId, transactionId: event.data.object.id });
};
