// The latest payment behind each invoice, for the technician view: linked through allocations
// (money applied to the invoice) or through charge attempts (autopay and "charge now", including
// payments still processing or failed, which have no allocation). Read-only.
import type { InstallationScope } from '../db/tenant-scope';

export type LatestPaymentStatus =
  | 'processing'
  | 'requires_action'
  | 'succeeded'
  | 'partially_refunded'
  | 'refunded'
  | 'disputed'
  | 'dispute_lost'
  | 'failed'
  | 'canceled';

export interface LatestPaymentView {
  id: string;
  status: LatestPaymentStatus;
  methodType: string | null;
  amount: number;
  currency: string;
  /** When it succeeded, or when it last changed. */
  at: string;
  failureCode: string | null;
  declineCode: string | null;
}

export interface PaymentStatusRow {
  status: 'pending' | 'processing' | 'requires_action' | 'succeeded' | 'failed' | 'canceled';
  amount: number;
  amount_refunded: number;
  dispute_status: string | null;
}

/** Pure: what a technician needs to know about a payment, most serious first (disputes, refunds). */
export function latestPaymentStatus(row: PaymentStatusRow): LatestPaymentStatus {
  if (row.dispute_status === 'lost') return 'dispute_lost';
  if (row.dispute_status && row.dispute_status !== 'won') return 'disputed';
  switch (row.status) {
    case 'pending':
    case 'processing':
      return 'processing';
    case 'requires_action':
      return 'requires_action';
    case 'succeeded':
      if (row.amount_refunded >= row.amount) return 'refunded';
      return row.amount_refunded > 0 ? 'partially_refunded' : 'succeeded';
    case 'failed':
      return 'failed';
    case 'canceled':
      return 'canceled';
    default: {
      const never: never = row.status;
      throw new Error(`unknown payment status ${String(never)}`);
    }
  }
}

interface Row extends PaymentStatusRow {
  invoice_id: string;
  id: string;
  method_type: string | null;
  currency: string;
  at: Date;
  failure_code: string | null;
  decline_code: string | null;
}

export async function latestPaymentsByInvoice(scope: InstallationScope, invoiceIds: string[]): Promise<Map<string, LatestPaymentView>> {
  if (invoiceIds.length === 0) return new Map();
  const db = scope.db;
  const links = scope
    .from('allocations')
    .whereIn('allocations.invoice_id', invoiceIds)
    .select('allocations.invoice_id', 'allocations.payment_id')
    .union((q) => {
      void q
        .from('charge_attempts')
        .where('charge_attempts.installation_id', scope.installationId)
        .whereIn('charge_attempts.invoice_id', invoiceIds)
        .whereNotNull('charge_attempts.payment_id')
        .select('charge_attempts.invoice_id', 'charge_attempts.payment_id');
    })
    .as('link');
  const rows = (await db
    .from(links)
    .join('payments as p', (j) => j.on('p.id', 'link.payment_id').andOnVal('p.installation_id', scope.installationId))
    .distinctOn('link.invoice_id')
    .select(
      'link.invoice_id',
      'p.id',
      'p.status',
      'p.amount',
      'p.amount_refunded',
      'p.dispute_status',
      'p.method_type',
      'p.currency',
      'p.failure_code',
      'p.decline_code',
      db.raw('coalesce(p.succeeded_at, p.updated_at) as at'),
    )
    .orderBy([{ column: 'link.invoice_id' }, { column: 'p.created_at', order: 'desc' }])) as Row[];
  return new Map(
    rows.map((r) => [
      r.invoice_id,
      {
        id: r.id,
        status: latestPaymentStatus(r),
        methodType: r.method_type,
        amount: r.amount,
        currency: r.currency,
        at: r.at.toISOString(),
        failureCode: r.failure_code,
        declineCode: r.decline_code,
      },
    ]),
  );
}
