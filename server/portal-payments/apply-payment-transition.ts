// The ledger's side of a payment status change (registered as a payment transition hook, so it runs
// exactly once per transition, inside the transaction that wrote it):
// - processing: the invoices the payment covers show `processing` — money is in flight, not paid;
// - succeeded: the payment's pending split becomes `applied`, each invoice's amount paid, remaining
//   amount and status are derived again, and the client gets a receipt;
// - canceled: the split is dropped (`canceled`) and the invoices are payable again;
// - failed: nothing is released yet — a failed intent can still be retried and succeed, so the
//   split keeps the invoices locked until the intent is canceled (Settle cancels it);
// and every transition is queued for the PSA write-back.
import { enqueueEmail } from '../email/enqueue-email';
import { achProcessingEmail, paymentReceiptEmail } from '../email/templates';
import type { InstallationScope } from '../db/tenant-scope';
import type { InvoiceStatus } from '../invoices/invoice-view';
import { enqueuePsaWriteBack } from '../outbox/enqueue-psa-write-back';
import { registerPaymentTransitionHook, type PaymentTransition, type PaymentTransitionEnv } from '../payments/payment-transition-hooks';
import { deriveInvoiceBalance } from '../psa/invoice-balance';

interface SplitRow {
  id: string;
  invoice_id: string;
  amount: number;
}

interface InvoiceRow {
  id: string;
  number: string;
  total: number;
  amount_paid: number;
  status: InvoiceStatus;
}

async function pendingSplit(scope: InstallationScope, paymentId: string): Promise<SplitRow[]> {
  return (await scope.from('allocations').where({ payment_id: paymentId, state: 'pending' }).select('id', 'invoice_id', 'amount')) as SplitRow[];
}

async function lockInvoices(scope: InstallationScope, ids: string[]): Promise<InvoiceRow[]> {
  if (ids.length === 0) return [];
  return (await scope.from('invoices').whereIn('id', ids).orderBy('id').forUpdate().select('id', 'number', 'total', 'amount_paid', 'status')) as InvoiceRow[];
}

/** The invoice's status and remaining amount once nothing is in flight for it. */
function settled(total: number, amountPaid: number, status: InvoiceStatus) {
  return deriveInvoiceBalance(total, amountPaid, status === 'processing' ? null : status);
}

export async function applyPaymentTransition(scope: InstallationScope, t: PaymentTransition, env: PaymentTransitionEnv): Promise<void> {
  const clock = { now: () => t.at };
  const split = await pendingSplit(scope, t.paymentId);
  if (t.to === 'processing' && split.length > 0) {
    const invoices = await lockInvoices(scope, split.map((s) => s.invoice_id));
    const ids = invoices.filter((i) => i.status === 'open' || i.status === 'partially_paid').map((i) => i.id);
    if (ids.length) await scope.from('invoices').whereIn('id', ids).update({ status: 'processing', updated_at: t.at });
    await notifyAchProcessing(scope, t, env, invoices);
  }
  if (t.to === 'succeeded' && split.length > 0) {
    const invoices = new Map((await lockInvoices(scope, split.map((s) => s.invoice_id))).map((i) => [i.id, i]));
    for (const s of split) {
      const inv = invoices.get(s.invoice_id)!;
      const amountPaid = inv.amount_paid + s.amount;
      const balance = settled(inv.total, amountPaid, inv.status);
      await scope.from('invoices').where({ id: inv.id }).update({ amount_paid: amountPaid, amount_remaining: balance.amountRemaining, status: balance.status, updated_at: t.at });
    }
    await scope.from('allocations').whereIn('id', split.map((s) => s.id)).update({ state: 'applied' });
    await sendReceipt(scope, t, env, [...invoices.values()]);
  }
  if (t.to === 'canceled' && split.length > 0) {
    await scope.from('allocations').whereIn('id', split.map((s) => s.id)).update({ state: 'canceled', reversed_at: t.at });
    for (const inv of await lockInvoices(scope, split.map((s) => s.invoice_id))) {
      if (inv.status !== 'processing') continue;
      const balance = settled(inv.total, inv.amount_paid, inv.status);
      await scope.from('invoices').where({ id: inv.id }).update({ status: balance.status, amount_remaining: balance.amountRemaining, updated_at: t.at });
    }
  }
  await enqueuePsaWriteBack(scope, { paymentId: t.paymentId }, clock);
}

interface Recipients {
  mspName: string;
  clientName: string;
  emails: string[];
}

/** Active portal users of the client; the client's billing email when it has none. */
export async function recipientsOf(scope: InstallationScope, clientId: string): Promise<Recipients> {
  const inst = (await scope.db('installations').where({ id: scope.installationId }).first('name')) as { name: string };
  const client = (await scope.from('clients').where({ id: clientId }).first('name', 'email')) as { name: string; email: string | null };
  const users = (await scope
    .from('portal_users')
    .where({ client_id: clientId })
    .whereNotNull('password_hash')
    .whereNull('disabled_at')
    .pluck('email')) as string[];
  const emails = [...new Set((users.length ? users : client.email ? [client.email] : []).map((e) => e.trim().toLowerCase()))];
  return { mspName: inst.name, clientName: client.name, emails };
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
