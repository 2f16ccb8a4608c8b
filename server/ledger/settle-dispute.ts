// A dispute's effect on the ledger, converged from its status. Created → evidence due → won or lost:
// while open nothing moves (the invoice stays paid; the payment shows the dispute and its due date);
// won: nothing moves; lost: the disputed amount is reversed once (reversePayment: credit first,
// then most recent invoice first), the reopened invoices go back to owed, and the MSP's staff are
// emailed. ACH disputes (and ACH returns after success, which Stripe reports as disputes) are final
// and void the mandate: autopay on that bank account is paused for the client, audited.
import { recordAudit } from '../audit/record-audit';
import type { Clock } from '../clock';
import type { InstallationScope } from '../db/tenant-scope';
import { enqueueEmail } from '../email/enqueue-email';
import { emailAutopayPaused } from '../notifications/pause-autopay-for-method';
import { paymentMethodLabel } from '../payment-methods/payment-method-display';
import { disputeLostEmail } from './ledger-emails';
import { reversePayment } from './reverse-payment';

export const ACH_DISPUTE_PAUSE_REASON =
  'your bank returned a payment, so the bank debit authorization is no longer valid. Add a card or bank account again to restart autopay.';

interface DisputeFacts {
  id: string;
  payment_id: string;
  amount: number | string;
  currency: string;
  status: string;
  reason: string | null;
  client_id: string | null;
  method_type: string | null;
  payment_method_id: string | null;
}

/**
 * Returns the payments whose ledger changed (for the PSA write-back). Idempotent: a lost dispute
 * reverses, pauses and emails once however often it is synced. Never calls Stripe.
 */
export async function settleDispute(scope: InstallationScope, disputeId: string, env: { publicUrl: string }, clock: Clock): Promise<string[]> {
  const d = (await scope
    .from('disputes')
    .join('payments as p', (j) => j.on('p.installation_id', 'disputes.installation_id').andOn('p.id', 'disputes.payment_id'))
    .where('disputes.id', disputeId)
    .first('disputes.id', 'disputes.payment_id', 'disputes.amount', 'disputes.currency', 'disputes.status', 'disputes.reason', 'p.client_id', 'p.method_type', 'p.payment_method_id')) as
    | DisputeFacts
    | undefined;
  if (!d || d.status !== 'lost') return [];
  const result = await reversePayment(scope, { paymentId: d.payment_id, source: 'dispute', sourceId: d.id, amount: Number(d.amount) }, clock);
  if (!result.reversed) return [];
  const ach = d.method_type === 'us_bank_account';
  const paused = ach ? await pauseAutopay(scope, d, env, clock) : false;
  await recordAudit(scope, { actor: { type: 'system', id: null, label: 'stripe' }, action: 'dispute.lost', subjectType: 'payment', subjectId: d.payment_id, clientId: d.client_id, details: { disputeId: d.id, amount: Number(d.amount), currency: d.currency.trim(), reason: d.reason, reopenedInvoices: result.invoiceIds, ach, autopayPaused: paused } }, clock);
  await notifyStaff(scope, d, result.invoiceIds, paused, env, clock);
  return result.paymentIds;
}

/** Pauses autopay when the disputed bank account is the client's autopay method. */
async function pauseAutopay(scope: InstallationScope, d: DisputeFacts, env: { publicUrl: string }, clock: Clock): Promise<boolean> {
  if (!d.client_id || !d.payment_method_id) return false;
  const updated = (await scope
    .from('clients')
    .where({ id: d.client_id, autopay_enabled: true, autopay_payment_method_id: d.payment_method_id })
    .whereNull('autopay_paused_reason')
    .update({ autopay_paused_reason: ACH_DISPUTE_PAUSE_REASON, updated_at: clock.now() })
    .returning('id')) as unknown[];
  if (updated.length === 0) return false;
  await recordAudit(scope, { actor: { type: 'system', id: null, label: 'stripe' }, action: 'autopay.paused', subjectType: 'client', subjectId: d.client_id, clientId: d.client_id, details: { reason: 'ach_dispute', disputeId: d.id, paymentMethodId: d.payment_method_id } }, clock);
  // The client learns it too (the mandate's own update, arriving after, finds them already paused).
  const client = (await scope.from('clients').where({ id: d.client_id }).first('name')) as { name: string };
  const method = (await scope.from('payment_methods').where({ id: d.payment_method_id }).first('type', 'brand', 'bank_name', 'last4')) as Parameters<typeof paymentMethodLabel>[0] | undefined;
  await emailAutopayPaused(scope, { clientId: d.client_id, clientName: client.name, methodId: d.payment_method_id, methodLabel: method ? paymentMethodLabel(method) : 'the bank account', cause: 'ach_dispute', reason: ACH_DISPUTE_PAUSE_REASON }, env, clock);
  return true;
}

async function notifyStaff(scope: InstallationScope, d: DisputeFacts, invoiceIds: string[], paused: boolean, env: { publicUrl: string }, clock: Clock): Promise<void> {
  const inst = (await scope.db('installations').where({ id: scope.installationId }).first('name')) as { name: string };
  const client = d.client_id ? ((await scope.from('clients').where({ id: d.client_id }).first('name')) as { name: string } | undefined) : undefined;
  const numbers = invoiceIds.length ? ((await scope.from('invoices').whereIn('id', invoiceIds).orderBy('number').pluck('number')) as string[]) : [];
  const staff = (await scope.from('staff_users').whereNull('disabled_at').orderBy('email').pluck('email')) as string[];
  const content = disputeLostEmail({
    mspName: inst.name,
    clientName: client?.name ?? 'An unidentified payer',
    amount: Number(d.amount),
    currency: d.currency.trim(),
    reason: d.reason,
    invoiceNumbers: numbers,
    achAutopayPaused: paused,
    paymentUrl: `${env.publicUrl}/app/payments/${d.payment_id}`,
  });
  for (const to of [...new Set(staff.map((e) => e.trim().toLowerCase()))]) {
    await enqueueEmail(scope, { to, subject: content.subject, text: content.text, html: content.html, kind: 'notification', dedupeKey: `dispute-lost:${d.id}:${to}`, clientId: d.client_id }, clock);
  }
}
