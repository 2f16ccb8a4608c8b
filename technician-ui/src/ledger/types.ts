// The ledger API's response types, imported from the server (type-only, never bundled).
export type { ExceptionView, SuggestionView } from '../../../server/ledger/list-exceptions';
export type { ClientLedgerView, DisputeView, PaymentDetailView, AllocationView } from '../../../server/ledger/payment-views';
export type { RefundView } from '../../../server/ledger/refund-payment';
export type { PayoutSummaryView, PayoutTransactionView } from '../../../server/payouts/payout-views';
export type { LedgerSettingsView } from '../../../server/ledger/ledger-settings';
