// A receipt exists only for money Stripe confirmed (succeeded). Printable page data.
import type { InstallationScope } from '../db/tenant-scope';
import { AppError } from '../http/app-error';
import { PAYMENT_COLUMNS, toPaymentViews, type PaymentRow, type PaymentView } from './payment-view';

export interface ReceiptView {
  payment: PaymentView;
  mspName: string;
  clientName: string;
  invoices: Array<{ id: string; number: string; amount: number; remaining: number; currency: string }>;
}

export async function getReceipt(scope: InstallationScope, clientId: string, paymentId: string): Promise<ReceiptView> {
  const rows = (await scope.from('payments').where({ id: paymentId, client_id: clientId, status: 'succeeded' }).select(PAYMENT_COLUMNS)) as PaymentRow[];
  if (rows.length === 0) throw new AppError('PAYMENT_NOT_FOUND');
  const [payment] = await toPaymentViews(scope.db, scope.installationId, rows);
  const inst = (await scope.db('installations').where({ id: scope.installationId }).first('name')) as { name: string };
  const client = (await scope.from('clients').where({ id: clientId }).first('name')) as { name: string };
  const remaining = new Map(
    ((await scope.from('invoices').whereIn('id', payment!.invoices.map((i) => i.id)).select('id', 'amount_remaining', 'currency')) as Array<{ id: string; amount_remaining: number; currency: string }>).map((r) => [r.id, r]),
  );
  return {
    payment: payment!,
    mspName: inst.name,
    clientName: client.name,
    invoices: payment!.invoices.map((i) => ({ ...i, remaining: remaining.get(i.id)?.amount_remaining ?? 0, currency: remaining.get(i.id)?.currency ?? payment!.currency })),
  };
}
