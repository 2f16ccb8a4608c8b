// The payments list as CSV for the MSP's accountant: the same filters, every matching row, written
// to the response in chunks of 500 (keyset pagination), so memory stays flat however many rows.
// Stable columns; money as decimal strings in major units ("1234.50", never floats); RFC 4180
// quoting; cells that a spreadsheet would run as a formula are prefixed with a quote.
import type { Writable } from 'node:stream';
import { z } from 'zod';
import type { InstallationScope } from '../db/tenant-scope';
import { currencyExponent } from '../money/money';
import { latestPaymentStatus } from '../payments/latest-payments';
import { applyPaymentFilters, PAYMENT_DATE_SQL, paymentFilters } from './payment-filters';
import { paymentsQuery, type PaymentRow } from './list-payments';

export const paymentExportQuery = z.object(paymentFilters).strict();

export const CSV_COLUMNS = [
  'payment_id', 'date', 'status', 'display_status', 'amount', 'amount_refunded', 'currency', 'method', 'method_label', 'source',
  'client_name', 'client_psa_ref', 'invoices', 'reference', 'failure_code', 'decline_code', 'dispute_status', 'stripe_payment_intent_id',
] as const;

const CHUNK = 500;

/** "12345" minor units of USD → "123.45"; JPY stays whole; negative amounts keep their sign. Pure. */
export function decimalAmount(minor: number, currency: string): string {
  const exponent = currencyExponent(currency);
  const sign = minor < 0 ? '-' : '';
  const digits = String(Math.abs(minor)).padStart(exponent + 1, '0');
  return exponent === 0 ? `${sign}${digits}` : `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

/** One CSV cell: quoted when needed, formula-looking text defused. Pure. */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvLine(cells: Array<string | number | null | undefined>): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

function rowCells(r: PaymentRow): Array<string | null> {
  return [
    r.id,
    r.date.toISOString(),
    r.status,
    latestPaymentStatus(r),
    decimalAmount(r.amount, r.currency),
    decimalAmount(r.amount_refunded, r.currency),
    r.currency,
    r.method_type,
    r.method_label,
    r.source,
    r.client_name,
    r.client_psa_ref,
    (r.invoices ?? []).map((i) => `${i.number} (${decimalAmount(Number(i.amount), r.currency)})`).join('; ') || null,
    r.reference,
    r.failure_code,
    r.decline_code,
    r.dispute_status,
    r.stripe_payment_intent_id,
  ];
}

/** Writes the header and every matching payment, newest first. Read-only; returns the row count. */
export async function exportPaymentsCsv(scope: InstallationScope, filters: z.infer<typeof paymentExportQuery>, out: Writable): Promise<number> {
  const write = (text: string) => (out.write(text) ? Promise.resolve() : new Promise<void>((resolve) => out.once('drain', () => resolve())));
  await write(csvLine([...CSV_COLUMNS]));
  let after: { key: string; id: string } | null = null;
  let count = 0;
  for (;;) {
    const q = applyPaymentFilters(paymentsQuery(scope), filters);
    if (after) q.whereRaw(`(${PAYMENT_DATE_SQL}, p.id) < (?::timestamptz, ?::uuid)`, [after.key, after.id]);
    const rows = (await q.orderByRaw(`${PAYMENT_DATE_SQL} desc, p.id desc`).limit(CHUNK)) as PaymentRow[];
    if (rows.length === 0) break;
    await write(rows.map((r) => csvLine(rowCells(r))).join(''));
    count += rows.length;
    const last = rows[rows.length - 1]!;
    after = { key: last.date_key, id: last.id };
    if (rows.length < CHUNK || out.destroyed) break;
  }
  return count;
}
