// cash_balance.funds_available: Bank-transfer funds arrived in a customer cash balance.
// Matching bank transfers and payouts to invoices is the reconciliation ledger's job (a later
// issue). Until it exists this event is kept in stripe_events with status `deferred` — the ledger's
// hook point: it will process deferred events of this type from there. Nothing is changed now.
import type { WebhookHandler } from './webhook-handler';

export const handleCashBalanceFundsAvailable: WebhookHandler<'cash_balance.funds_available'> = async () => ({ outcome: 'deferred' });
