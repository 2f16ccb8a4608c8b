// The accountant's CSV: one row per balance transaction a payout settled. RFC 4180 quoting (a field
// with a comma, quote or line break is quoted, quotes doubled; CRLF line ends), money as decimal
// strings in the currency's minor-unit exponent ("1234.50", "-15.00"), columns in a fixed order
// (CSV_COLUMNS). Text a spreadsheet would run as a formula (=, +, -, @ at the start) is prefixed
// with an apostrophe; amounts never need it because they are written by Settle, not typed by anyone.
import { currencyExponent } from '../money/money';
import type { PayoutSummaryView, PayoutTransactionView } from './payout-views';

export const CSV_COLUMNS = [
  'payout_id',
  'payout_arrival_date',
  'payout_status',
  'balance_transaction_id',
  'created_at',
  'type',
  'reporting_category',
  'currency',
  'gross',
  'fee',
  'net',
  'client',
  'settle_payment_id',
  'invoices',
  'description',
  'source_id',
] as const;

/** Minor units → "1234.50" (exact: integer arithmetic, no floating point). */
export function decimalAmount(amount: number, currency: string): string {
  const exponent = currencyExponent(currency);
  const sign = amount < 0 ? '-' : '';
  const abs = Math.abs(amount);
  if (exponent === 0) return `${sign}${abs}`;
  const unit = 10 ** exponent;
  return `${sign}${Math.floor(abs / unit)}.${String(abs % unit).padStart(exponent, '0')}`;
}

export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

const text = (value: string | null) => {
  const v = value ?? '';
  return csvField(/^[=+\-@\t\r]/.test(v) ? `'${v}` : v);
};

export function payoutCsv(payouts: Array<{ payout: PayoutSummaryView; transactions: PayoutTransactionView[] }>): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const { payout, transactions } of payouts) {
    for (const t of transactions) {
      lines.push(
        [
          csvField(payout.stripePayoutId),
          payout.arrivalDate ? payout.arrivalDate.slice(0, 10) : '',
          csvField(payout.status),
          csvField(t.stripeBalanceTransactionId),
          t.createdAt,
          csvField(t.type),
          csvField(t.reportingCategory),
          t.currency,
          decimalAmount(t.amount, t.currency),
          decimalAmount(t.fee, t.currency),
          decimalAmount(t.net, t.currency),
          text(t.clientName),
          t.paymentId ?? '',
          text(t.invoiceNumbers.join(' ')),
          text(t.description),
          csvField(t.sourceId ?? ''),
        ].join(','),
      );
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}
