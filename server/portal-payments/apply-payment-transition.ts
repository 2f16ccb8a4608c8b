// The ledger's side of a payment status change (registered as a payment transition hook, so it runs
// exactly once per transition, inside the transaction that wrote it):
// - processing: the invoices the payment covers show `processing` — money is in flight, not paid;
// - succeeded: the payment's pending split becomes `applied`, the invoices are recomputed from the
//   ledger (recomputeInvoices: amount paid, remaining, status; an overpayment moves to credit) and
//   the client gets a receipt;
// - canceled: the split is dropped (`canceled`) and the invoices are payable again;
// - failed: nothing is released yet — a failed intent can still be retried and succeed, so the
//   split keeps the invoices locked until the intent is canceled (Settle cancels it);
// and every transition is queued for the PSA write-back.
import { enqueueEmail } from '../email/enqueue-email';
import { achProcessingEmail, paymentReceiptEmail } from '../email/templates';
import type { InstallationScope } from '../db/tenant-scope';
import { registerPaymentTransitionHook, type PaymentTransition, type PaymentTransitionEnv } from '../payments/payment-transition-hooks';
import { queueWriteBacks } from '../ledger/queue-write-backs';
import { recomputeInvoices } from '../ledger/recompute-invoices';
import { rebalancePayment } from '../ledger/reverse-payment';

interface SplitRow {
  id: string;
  invoice_id: string;
  amount: number;
}

interface InvoiceRow {
  id: string;
  number: string;
}

async function pendingSplit(scope: InstallationScope, paymentId: string): Promise<SplitRow[]> {
  return (await scope.from('allocations').where({ payment_id: paymentId, state: 'pending' }).select('id', 'invoice_id', 'amount')) as SplitRow[];
}

async function invoicesOf(scope: InstallationScope, ids: string[]): Promise<InvoiceRow[]> {
  if (ids.length === 0) return [];
  return (await scope.from('invoices').whereIn('id', ids).orderBy('id').select('id', 'number')) as InvoiceRow[];
}

export async function applyPaymentTransition(scope: InstallationScope, t: PaymentTransition, env: PaymentTransitionEnv): Promise<void> {
  const clock = { now: () => t.at };
  const split = await pendingSplit(scope, t.paymentId);
  const invoiceIds = split.map((s) => s.invoice_id);
  const changed = [t.paymentId];
  if (t.to === 'processing' && split.length > 0) {
    await recomputeInvoices(scope, invoiceIds, clock);
    await notifyAchProcessing(scope, t, env, await invoicesOf(scope, invoiceIds));
  }
  if (t.to === 'succeeded' && split.length > 0) {
    await scope.from('allocations').whereIn('id', split.map((s) => s.id)).update({ state: 'applied' });
    await scope.from('payments').where({ id: t.paymentId }).whereNull('reconciled_at').update({ reconciled_at: t.at });
    changed.push(...(await recomputeInvoices(scope, invoiceIds, clock)).paymentsChanged);
    // A refund or lost dispute synced before this success (webhooks arrive in any order) takes effect now.
    changed.push(...(await rebalancePayment(scope, t.paymentId, null, clock)).paymentIds);
    await sendReceipt(scope, t, env, await invoicesOf(scope, invoiceIds));
  }
  if (t.to === 'canceled' && split.length > 0) {
    await scope.from('allocations').whereIn('id', split.map((s) => s.id)).update({ state: 'canceled', reversed_at: t.at });
    await recomputeInvoices(scope, invoiceIds, clock);
  }
  await queueWriteBacks(scope, changed, clock);
}

interface Recipients {
  mspName: string;
  clientName: string;
  emails: string[];
}

/** Active portal users of the client; the client's billing email when it has none. */
export async function recipientsOf(scope: InstallationScope, clientId: string): Promise<Recipients> {
  // One statement: the MSP's name, the client's, its billing email and its portal users' emails.
  const row = (
    (await scope.db.raw(
      `select i.name as msp_name, c.name as client_name, c.email,
              coalesce((select json_agg(u.email order by u.email) from portal_users u
                         where u.installation_id = c.installation_id and u.client_id = c.id and u.password_hash is not null and u.disabled_at is null), '[]'::json) as users
         from clients c join installations i on i.id = c.installation_id
        where c.installation_id = :inst and c.id = :client`,
      { inst: scope.installationId, client: clientId },
    )) as { rows: Array<{ msp_name: string; client_name: string; email: string | null; users: string[] | string }> }
  ).rows[0]!;
  const users = (typeof row.users === 'string' ? JSON.parse(row.users) : row.users) as string[];
  const emails = [...new Set((users.length ? users : row.email ? [row.email] : []).map((e) => e.trim().toLowerCase()))];
  return { mspName: row.msp_name, clientName: row.client_name, emails };
}

async function paymentFacts(scope: InstallationScope, paymentId: string) {
  return (await scope.from('payments').where({ id: paymentId }).first('amount', 'currency', 'method_type', 'method_label', 'client_id', 'source')) as {
    amount: number;
    currency: string;
    method_type: string | null;
    method_label: string | null;
    client_id: string | null;
    source: string;
  };
}

async function sendReceipt(scope: InstallationScope, t: PaymentTransition, env: PaymentTransitionEnv, invoices: InvoiceRow[]): Promise<void> {
  const payment = await paymentFacts(scope, t.paymentId);
  if (!payment.client_id) return;
  const who = await recipientsOf(scope, payment.client_id);
  const content = paymentReceiptEmail({
    mspName: who.mspName,
    clientName: who.clientName,
    amount: payment.amount,
    currency: payment.currency,
    methodLabel: payment.method_label ?? 'your payment method',
    invoiceNumbers: invoices.map((i) => i.number).sort(),
    receiptUrl: `${env.publicUrl}/portal/receipts/${t.paymentId}`,
  });
  for (const to of who.emails) {
    await enqueueEmail(scope, { to, subject: content.subject, text: content.text, html: content.html, kind: 'transactional', dedupeKey: `receipt:${t.paymentId}:${to}`, clientId: payment.client_id }, { now: () => t.at });
  }
}

async function notifyAchProcessing(scope: InstallationScope, t: PaymentTransition, env: PaymentTransitionEnv, invoices: InvoiceRow[]): Promise<void> {
  const payment = await paymentFacts(scope, t.paymentId);
  if (!payment.client_id || payment.method_type !== 'us_bank_account') return;
  const who = await recipientsOf(scope, payment.client_id);
  const content = achProcessingEmail({
    mspName: who.mspName,
    clientName: who.clientName,
    amount: payment.amount,
    currency: payment.currency,
    methodLabel: payment.method_label ?? 'your bank account',
    invoiceNumbers: invoices.map((i) => i.number).sort(),
    paymentUrl: `${env.publicUrl}/portal/invoices/${invoices[0]?.id ?? ''}`,
  });
  for (const to of who.emails) {
    await enqueueEmail(scope, { to, subject: content.subject, text: content.text, html: content.html, kind: 'transactional', dedupeKey: `ach-processing:${t.paymentId}:${to}`, clientId: payment.client_id }, { now: () => t.at });
  }
}

let registered = false;

/** Registers the ledger hook once per process (every app in the process shares the hook list). */
export function registerLedgerHooks(): void {
  if (registered) return;
  registered = true;
  registerPaymentTransitionHook(applyPaymentTransition);
}
