// Technician actions on autopay (any staff role, each audited, refusals change nothing):
// - charge now: one invoice, through the engine's exactly-once path (chargeInvoice with trigger
//   'charge_now'): the attempt is recorded — unique per invoice and attempt number, one in flight per
//   invoice — before Stripe is called, so two clicks (or a click racing the run) make one charge;
// - skip / unskip an invoice: the autopay run leaves a skipped invoice alone;
// - pause / resume autopay for a client: a paused client's invoices are not charged automatically;
//   resuming needs a method that can be charged (a pause Settle made because the method failed is
//   lifted by the client choosing another one in the portal).
import { recordAudit, type AuditActor } from '../../audit/record-audit';
import type { InstallationScope } from '../../db/tenant-scope';
import { AppError } from '../../http/app-error';
import type { AppContext } from '../../http/context';
import { getInstallationSettings } from '../../installations/installation-settings';
import { chargeInvoice, type AutopayCandidate, type ChargeOutcome } from '../charge-invoice';
import { invoicesWithPendingPayment, loadClientFacts, PAYABLE, planInvoice, type PlanAttempt } from './autopay-plan';
import { chargeNowRefusal, getClientAutopay, getInvoiceAutopay, type ClientAutopayView, type InvoiceAutopayView, type InvoiceRow } from './autopay-views';

export interface ActionMeta {
  actor: AuditActor;
  ip?: string | undefined;
  requestId?: string | undefined;
}

type InvoiceFacts = Omit<InvoiceRow, 'autopay_skipped_by' | 'autopay_skip_reason'>;

async function invoiceFacts(scope: InstallationScope, invoiceId: string, lock = false): Promise<InvoiceFacts> {
  const q = scope.from('invoices').where({ id: invoiceId });
  if (lock) q.forUpdate();
  const inv = (await q.first('id', 'number', 'client_id', 'status', 'amount_remaining', 'currency', 'due_date', 'autopay_skipped_at')) as InvoiceFacts | undefined;
  if (!inv) throw new AppError('INVOICE_NOT_FOUND');
  return inv;
}

/** The next attempt of this invoice and when its failure series began (as selectDueInvoices computes them). */
async function nextAttempt(scope: InstallationScope, invoiceId: string): Promise<{ attemptNo: number; firstFailureAt: Date | null; attempts: PlanAttempt[] }> {
  const attempts = (await scope.from('charge_attempts').where({ invoice_id: invoiceId }).orderBy('attempt_no').select('attempt_no', 'status', 'next_retry_at', 'updated_at', 'failure_code', 'decline_code')) as Array<{
    attempt_no: number; status: string; next_retry_at: Date | null; updated_at: Date; failure_code: string | null; decline_code: string | null;
  }>;
  const last = attempts[attempts.length - 1];
  let firstFailureAt: Date | null = null;
  if (last && (last.status === 'failed' || last.status === 'requires_action')) {
    const lastSuccess = attempts.map((a) => a.status).lastIndexOf('succeeded');
    firstFailureAt = attempts.slice(lastSuccess + 1).find((a) => a.status === 'failed' || a.status === 'requires_action')?.updated_at ?? null;
  }
  return { attemptNo: (last?.attempt_no ?? 0) + 1, firstFailureAt, attempts };
}

export interface ChargeNowResult {
  outcome: Exclude<ChargeOutcome, 'skipped'>;
  autopay: InvoiceAutopayView;
}

export async function chargeNow(ctx: AppContext, scope: InstallationScope, invoiceId: string, meta: ActionMeta): Promise<ChargeNowResult> {
  const now = ctx.clock.now();
  const inv = await invoiceFacts(scope, invoiceId);
  const client = (await loadClientFacts(scope, inv.client_id, now))!;
  const s = await getInstallationSettings(scope);
  const settings = { timezone: s.timezone, runAt: s.autopay.runAt, maxAmount: s.autopay.maxAmount };
  const next = await nextAttempt(scope, inv.id);
  const pending = await invoicesWithPendingPayment(scope, [inv.id]);
  const plan = planInvoice({ invoice: inv, client, attempts: next.attempts, paymentPending: pending.has(inv.id), settings, now });
  const refusal = chargeNowRefusal(inv, client, plan, settings);
  if (refusal) throw new AppError(refusal.code, { message: refusal.reason });
  const method = client.method!;

  const { stripe } = await ctx.stripe.forInstallation(ctx.db, scope.installationId);
  const candidate: AutopayCandidate = {
    invoiceId: inv.id, invoiceNumber: inv.number, clientId: inv.client_id, customerId: client.stripeCustomerId!, amount: inv.amount_remaining, currency: inv.currency,
    paymentMethodRowId: method.id, stripePaymentMethodId: method.stripe_payment_method_id!, methodType: method.type, mandateId: method.mandate_id, methodLabel: method.label,
    attemptNo: next.attemptNo, firstFailureAt: next.firstFailureAt,
  };
  const policy = { retryScheduleDays: s.autopay.retryScheduleDays, achMaxRetries: s.autopay.achMaxRetries };
  const outcome = await chargeInvoice(ctx, scope, stripe, candidate, policy, 'charge_now');
  // Another click or the autopay run recorded this attempt first: that one charges, this one does not.
  if (outcome === 'skipped') throw new AppError('PAYMENT_IN_FLIGHT', { message: 'A payment for this invoice is already in progress.' });
  await recordAudit(
    scope,
    { actor: meta.actor, action: 'autopay.charged_now', subjectType: 'invoice', subjectId: inv.id, clientId: inv.client_id, details: { attemptNo: candidate.attemptNo, amount: candidate.amount, currency: candidate.currency, method: method.label, outcome }, ip: meta.ip, requestId: meta.requestId },
    ctx.clock,
  );
  return { outcome, autopay: await getInvoiceAutopay(ctx, scope, inv.id) };
}

/** Autopay leaves this invoice alone until unskipped. Idempotent: skipping a skipped invoice changes nothing. */
export async function skipInvoice(ctx: AppContext, scope: InstallationScope, invoiceId: string, input: { reason?: string | undefined }, meta: ActionMeta & { userId: string }): Promise<InvoiceAutopayView> {
  await scope.transaction(async (tx) => {
    const inv = await invoiceFacts(tx, invoiceId, true);
    if (inv.autopay_skipped_at) return;
    if (!PAYABLE.includes(inv.status) || inv.amount_remaining <= 0) throw new AppError('INVOICE_NOT_PAYABLE', { message: `Invoice ${inv.number} has nothing left for autopay to charge.` });
    const now = ctx.clock.now();
    const reason = input.reason?.trim() || null;
    await tx.from('invoices').where({ id: inv.id }).update({ autopay_skipped_at: now, autopay_skipped_by: meta.userId, autopay_skip_reason: reason, updated_at: now });
    await recordAudit(tx, { actor: meta.actor, action: 'autopay.invoice_skipped', subjectType: 'invoice', subjectId: inv.id, clientId: inv.client_id, details: { reason }, ip: meta.ip, requestId: meta.requestId }, ctx.clock);
  });
  return getInvoiceAutopay(ctx, scope, invoiceId);
}

export async function unskipInvoice(ctx: AppContext, scope: InstallationScope, invoiceId: string, meta: ActionMeta): Promise<InvoiceAutopayView> {
  await scope.transaction(async (tx) => {
    const inv = await invoiceFacts(tx, invoiceId, true);
    if (!inv.autopay_skipped_at) return;
    const now = ctx.clock.now();
    await tx.from('invoices').where({ id: inv.id }).update({ autopay_skipped_at: null, autopay_skipped_by: null, autopay_skip_reason: null, updated_at: now });
    await recordAudit(tx, { actor: meta.actor, action: 'autopay.invoice_unskipped', subjectType: 'invoice', subjectId: inv.id, clientId: inv.client_id, details: { skippedAt: inv.autopay_skipped_at.toISOString() }, ip: meta.ip, requestId: meta.requestId }, ctx.clock);
  });
  return getInvoiceAutopay(ctx, scope, invoiceId);
}

async function lockClient(tx: InstallationScope, clientId: string): Promise<{ id: string; autopay_enabled: boolean; autopay_paused_reason: string | null }> {
  const client = (await tx.from('clients').where({ id: clientId }).forUpdate().first('id', 'autopay_enabled', 'autopay_paused_reason')) as
    | { id: string; autopay_enabled: boolean; autopay_paused_reason: string | null }
    | undefined;
  if (!client) throw new AppError('CLIENT_NOT_FOUND');
  return client;
}

/**
 * Stops automatic charges for a client, with the reason (the client reads it in the billing portal).
 * Attempts already in flight finish; "charge now" still works. Idempotent: an already paused client
 * keeps its reason.
 */
export async function pauseAutopay(ctx: AppContext, scope: InstallationScope, clientId: string, input: { reason: string }, meta: ActionMeta): Promise<ClientAutopayView> {
  await scope.transaction(async (tx) => {
    const client = await lockClient(tx, clientId);
    if (!client.autopay_enabled) throw new AppError('AUTOPAY_NOT_ENABLED', { message: 'Autopay is off for this client; there is nothing to pause.' });
    if (client.autopay_paused_reason) return;
    const reason = input.reason.trim();
    const now = ctx.clock.now();
    await tx.from('clients').where({ id: clientId }).update({ autopay_paused_reason: reason, updated_at: now });
    await recordAudit(tx, { actor: meta.actor, action: 'autopay.paused', subjectType: 'client', subjectId: clientId, clientId, details: { cause: 'technician', reason }, ip: meta.ip, requestId: meta.requestId }, ctx.clock);
  });
  return getClientAutopay(ctx, scope, clientId);
}

/** Lifts a pause (Settle's or a technician's) when the autopay method can be charged. Idempotent. */
export async function resumeAutopay(ctx: AppContext, scope: InstallationScope, clientId: string, meta: ActionMeta): Promise<ClientAutopayView> {
  await scope.transaction(async (tx) => {
    const client = await lockClient(tx, clientId);
    if (!client.autopay_enabled) throw new AppError('AUTOPAY_NOT_ENABLED', { message: 'Autopay is off for this client; the client turns it on in the billing portal.' });
    if (!client.autopay_paused_reason) return;
    const facts = (await loadClientFacts(tx, clientId, ctx.clock.now()))!;
    if (!facts.method) throw new AppError('PAYMENT_METHOD_NOT_USABLE', { message: 'No payment method is set for autopay. Ask the client to choose one in the billing portal.' });
    if (facts.method.problem) throw new AppError('PAYMENT_METHOD_NOT_USABLE', { message: `${facts.method.problem} Ask the client to choose another card or bank account in the billing portal; that resumes autopay.` });
    const now = ctx.clock.now();
    await tx.from('clients').where({ id: clientId }).update({ autopay_paused_reason: null, updated_at: now });
    await recordAudit(tx, { actor: meta.actor, action: 'autopay.resumed', subjectType: 'client', subjectId: clientId, clientId, details: { previousReason: client.autopay_paused_reason }, ip: meta.ip, requestId: meta.requestId }, ctx.clock);
  });
  return getClientAutopay(ctx, scope, clientId);
}
