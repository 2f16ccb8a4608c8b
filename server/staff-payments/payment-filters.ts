// The filters of the technician's payments list, shared by the page (JSON) and the CSV export, so
// an export is exactly the list on screen. Dates are calendar days in the MSP's timezone; a
// payment's date is when it succeeded, or when it was created if it never did.
import type { Knex } from 'knex';
import { z } from 'zod';

export const PAYMENT_LIST_STATUSES = ['processing', 'requires_action', 'succeeded', 'failed', 'canceled', 'refunded', 'disputed'] as const;
export const PAYMENT_SOURCES = ['portal', 'autopay', 'link', 'technician', 'bank_transfer', 'offline'] as const;
export const PAYMENT_METHODS = ['card', 'us_bank_account', 'other'] as const;

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Use a date like 2026-12-01.');

export const paymentFilters = {
  status: z.enum(PAYMENT_LIST_STATUSES).optional(),
  method: z.enum(PAYMENT_METHODS).optional(),
  source: z.enum(PAYMENT_SOURCES).optional(),
  from: day.optional(),
  to: day.optional(),
  clientId: z.uuid().optional(),
};
export type PaymentFilters = { [K in keyof typeof paymentFilters]?: z.infer<(typeof paymentFilters)[K]> };

/** The date a payment is listed under, as a timestamptz expression over `p`. */
export const PAYMENT_DATE_SQL = 'coalesce(p.succeeded_at, p.created_at)';

/** Adds the filters to a query over `payments as p` joined to `installations as i`. */
export function applyPaymentFilters(q: Knex.QueryBuilder, filters: PaymentFilters): Knex.QueryBuilder {
  switch (filters.status) {
    case undefined:
      break;
    case 'processing':
      q.whereIn('p.status', ['pending', 'processing']);
      break;
    case 'refunded':
      q.where('p.amount_refunded', '>', 0);
      break;
    case 'disputed':
      q.whereNotNull('p.dispute_status').whereNotIn('p.dispute_status', ['won', 'lost']);
      break;
    default:
      q.where('p.status', filters.status);
  }
  if (filters.method === 'other') q.where((w) => w.whereNull('p.method_type').orWhereNotIn('p.method_type', ['card', 'us_bank_account']));
  else if (filters.method) q.where('p.method_type', filters.method);
  if (filters.source) q.where('p.source', filters.source);
  if (filters.clientId) q.where('p.client_id', filters.clientId);
  if (filters.from) q.whereRaw(`${PAYMENT_DATE_SQL} >= (?::date::timestamp at time zone i.timezone)`, [filters.from]);
  if (filters.to) q.whereRaw(`${PAYMENT_DATE_SQL} < ((?::date + 1)::timestamp at time zone i.timezone)`, [filters.to]);
  return q;
}
