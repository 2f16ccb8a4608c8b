// Payments across all clients for the technician UI: filtered, newest first, a page at a time with
// the total, each with its client and the invoices it was applied to. Read-only.
import { z } from 'zod';
import { toCount } from '../db/database';
import type { InstallationScope } from '../db/tenant-scope';
import { pageQuery } from '../http/params';
import { latestPaymentStatus, type LatestPaymentStatus, type PaymentStatusRow } from '../payments/latest-payments';
import { explainFailure } from '../payments/failure-reasons';
import { applyPaymentFilters, PAYMENT_DATE_SQL, paymentFilters } from './payment-filters';

export const paymentListQuery = z.object({ ...paymentFilters, ...pageQuery }).strict();
export type PaymentListQuery = z.infer<typeof paymentListQuery>;

export interface StaffPaymentView {
  id: string;
  client: { id: string; name: string } | null;
  status: PaymentStatusRow['status'];
  /** What a technician needs to know first (refunds and disputes over the Stripe status). */
  displayStatus: LatestPaymentStatus;
  amount: number;
  amountRefunded: number;
  currency: string;
  source: string;
  methodType: string | null;
  methodLabel: string | null;
  failureCode: string | null;
  declineCode: string | null;
  failureMessage: string | null;
  /** The failure in plain words (decline code first), or null when it did not fail. */
  failureText: string | null;
  disputeStatus: string | null;
  reference: string | null;
  /** When it succeeded, or when it was created. */
  date: string;
  invoices: Array<{ id: string; number: string; amount: number; state: string }>;
}

export interface PaymentRow extends PaymentStatusRow {
  id: string;
  client_id: string | null;
  client_name: string | null;
  client_psa_ref: string | null;
  currency: string;
  source: string;
  method_type: string | null;
  method_label: string | null;
  failure_code: string | null;
  decline_code: string | null;
  failure_message: string | null;
  reference: string | null;
  stripe_payment_intent_id: string | null;
  date: Date;
  date_key: string;
  invoices: Array<{ id: string; number: string; amount: number | string; state: string }> | null;
}

/** The payments query with client and allocations (json), before filters, order and limits. */
export function paymentsQuery(scope: InstallationScope) {
  const db = scope.db;
  return db('payments as p')
    .join('installations as i', 'i.id', 'p.installation_id')
    .leftJoin('clients as c', (j) => j.on('c.installation_id', 'p.installation_id').andOn('c.id', 'p.client_id'))
    .where('p.installation_id', scope.installationId)
    .select(
      'p.id', 'p.client_id', 'c.name as client_name', 'c.psa_ref as client_psa_ref', 'p.status', 'p.amount', 'p.amount_refunded', 'p.currency',
      'p.source', 'p.method_type', 'p.method_label', 'p.failure_code', 'p.decline_code', 'p.failure_message', 'p.dispute_status', 'p.reference',
      'p.stripe_payment_intent_id',
      db.raw(`${PAYMENT_DATE_SQL} as date`),
      db.raw(`${PAYMENT_DATE_SQL}::text as date_key`), // full microseconds, for keyset paging
      db.raw(`(select json_agg(json_build_object('id', inv.id, 'number', inv.number, 'amount', a.amount, 'state', a.state) order by inv.number)
                 from allocations a join invoices inv on inv.installation_id = a.installation_id and inv.id = a.invoice_id
                where a.installation_id = p.installation_id and a.payment_id = p.id and a.state <> 'canceled' and a.reversed_at is null) as invoices`),
    );
}

export function toStaffPaymentView(r: PaymentRow): StaffPaymentView {
  return {
    id: r.id,
    client: r.client_id ? { id: r.client_id, name: r.client_name ?? '' } : null,
    status: r.status,
    displayStatus: latestPaymentStatus(r),
    amount: r.amount,
    amountRefunded: r.amount_refunded,
    currency: r.currency,
    source: r.source,
    methodType: r.method_type,
    methodLabel: r.method_label,
    failureCode: r.failure_code,
    declineCode: r.decline_code,
    failureMessage: r.failure_message,
    failureText: r.status === 'failed' || r.failure_code || r.decline_code ? explainFailure({ failureCode: r.failure_code, declineCode: r.decline_code, message: r.failure_message }).message : null,
    disputeStatus: r.dispute_status,
    reference: r.reference,
    date: r.date.toISOString(),
    invoices: (r.invoices ?? []).map((i) => ({ id: i.id, number: i.number, amount: toCount(i.amount), state: i.state })),
  };
}

export async function listPayments(scope: InstallationScope, query: PaymentListQuery): Promise<{ payments: StaffPaymentView[]; page: number; pageSize: number; total: number }> {
  const rows = (await applyPaymentFilters(paymentsQuery(scope), query)
    .select(scope.db.raw('count(*) over () as total'))
    .orderByRaw(`${PAYMENT_DATE_SQL} desc, p.id desc`)
    .limit(query.pageSize)
    .offset((query.page - 1) * query.pageSize)) as Array<PaymentRow & { total: unknown }>;
  let total = rows[0] ? toCount(rows[0].total) : 0;
  if (rows.length === 0 && query.page > 1) {
    const counted = (await applyPaymentFilters(scope.db('payments as p').join('installations as i', 'i.id', 'p.installation_id').where('p.installation_id', scope.installationId), query).count({ n: '*' }).first()) as { n: unknown };
    total = toCount(counted.n);
  }
  return { payments: rows.map(toStaffPaymentView), page: query.page, pageSize: query.pageSize, total };
}
