// Responding to a card dispute from Settle, before its evidence due date: Settle drafts the facts
// it knows (who the client is, what the payment paid for and when), a staff user adds why the
// charge is valid, and Settle submits it to Stripe once (`disputes.update` with `submit: true`),
// which sends it to the cardholder's bank. Bank (ACH) disputes are final and take no evidence.
//
// - Only disputes that need a response (`needs_response`, `warning_needs_response`), not past due,
//   on a card payment: otherwise DISPUTE_NOT_CONTESTABLE with the reason in plain words.
// - Stripe is asked first (a fresh read): a dispute already answered elsewhere (the Stripe
//   Dashboard, another tab) is synced and refused, not answered twice.
// - The request's idempotency key is derived from the dispute and the evidence, so a retried or
//   double-clicked submit is one submission; the audit entry (`dispute.evidence_submitted`) is
//   written once, under the dispute's row lock.
// - Afterwards the dispute is synced (status `under_review`, or Stripe's decision in test mode) and
//   the webhooks converge the rest, as for any dispute.
import { createHash } from 'node:crypto';
import type Stripe from 'stripe';
import { z } from 'zod';
import { recordAudit, type AuditActor } from '../audit/record-audit';
import type { Clock } from '../clock';
import type { InstallationScope } from '../db/tenant-scope';
import { AppError } from '../http/app-error';
import type { AppContext } from '../http/context';
import { formatMoney } from '../money/money';
import { syncDispute } from '../payments/sync-dispute';
import { isStripeError, stripeUnavailable } from '../portal-payment-methods/portal-stripe';
import { getDispute, type DisputeView } from './payment-views';

const text = (max: number) => z.string().trim().max(max, `At most ${max.toLocaleString('en-US')} characters.`);

export const disputeEvidenceBody = z
  .object({
    explanation: text(20_000).min(10, 'Explain in a sentence or two why the charge is valid.'),
    productDescription: text(20_000).default(''),
    customerName: text(5_000).default(''),
    customerEmailAddress: text(5_000).default(''),
    serviceDate: text(5_000).default(''),
  })
  .strict();

export type DisputeEvidenceInput = z.infer<typeof disputeEvidenceBody>;

export interface DisputeEvidenceView {
  dispute: DisputeView;
  /** Null when evidence can be submitted; otherwise why not, in plain words. */
  notContestableReason: string | null;
  /** What Settle knows, to start the response from. */
  draft: Omit<DisputeEvidenceInput, 'explanation'>;
  submitted: { at: string; by: string | null } | null;
}

const NEEDS_RESPONSE = new Set(['needs_response', 'warning_needs_response']);
const UNDER_REVIEW = new Set(['under_review', 'warning_under_review']);

function notContestableReason(d: Pick<DisputeView, 'status' | 'methodType' | 'evidenceDueBy'>, now: Date): string | null {
  if (d.methodType === 'us_bank_account') return 'Bank (ACH) disputes are final: the bank takes no evidence for them.';
  if (UNDER_REVIEW.has(d.status)) return 'Evidence was already submitted; the bank is reviewing it.';
  if (!NEEDS_RESPONSE.has(d.status)) return 'This dispute is closed.';
  if (d.evidenceDueBy && new Date(d.evidenceDueBy) <= now) return 'The evidence due date has passed.';
  return null;
}

const dateFormat = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone: 'UTC' });

/** The dispute, whether it can be answered, Settle's draft of the facts, and who answered it. Read-only. */
export async function getDisputeEvidence(scope: InstallationScope, disputeId: string, clock: Clock): Promise<DisputeEvidenceView> {
  const d = await getDispute(scope, disputeId);
  const { stripeDisputeId: _, ...dispute } = d;
  const client = d.clientId ? ((await scope.from('clients').where({ id: d.clientId }).first('name', 'email')) as { name: string; email: string | null } | undefined) : undefined;
  const inst = (await scope.db('installations').where({ id: scope.installationId }).first('name')) as { name: string };
  const invoices = (await scope
    .from('allocations')
    .join('invoices as i', (j) => j.on('i.installation_id', 'allocations.installation_id').andOn('i.id', 'allocations.invoice_id'))
    .where('allocations.payment_id', d.paymentId)
    .where('allocations.amount', '>', 0)
    .orderBy('i.issued_at')
    .orderBy('i.number')
    .select('i.number', 'i.issued_at', 'i.total', 'i.currency')) as Array<{ number: string; issued_at: Date | string; total: number | string; currency: string }>;
  const list = invoices.map((i) => `invoice ${i.number} of ${dateFormat.format(new Date(i.issued_at))} (${formatMoney(Number(i.total), i.currency.trim())})`);
  const audit = (await scope
    .from('audit_log')
    .where({ action: 'dispute.evidence_submitted', subject_type: 'dispute', subject_id: disputeId })
    .orderBy('at')
    .first('at', 'actor_label')) as { at: Date; actor_label: string | null } | undefined;
  return {
    dispute,
    notContestableReason: notContestableReason(d, clock.now()),
    draft: {
      productDescription: list.length ? `IT services billed by ${inst.name}: ${list.join('; ')}. The payment was made by the client for these invoices.` : `IT services billed by ${inst.name}.`,
      customerName: client?.name ?? '',
      customerEmailAddress: client?.email ?? '',
      serviceDate: [...new Set(invoices.map((i) => dateFormat.format(new Date(i.issued_at))))].join(', '),
    },
    submitted: audit ? { at: new Date(audit.at).toISOString(), by: audit.actor_label } : null,
  };
}

/** Submits the evidence to Stripe once (see the file comment). Returns the dispute as it stands after. */
export async function submitDisputeEvidence(
  ctx: AppContext,
  scope: InstallationScope,
  disputeId: string,
  input: DisputeEvidenceInput,
  actor: { audit: AuditActor; ip?: string | undefined; requestId?: string | undefined },
): Promise<DisputeEvidenceView> {
  const d = await getDispute(scope, disputeId);
  const local = notContestableReason(d, ctx.clock.now());
  if (local) throw new AppError('DISPUTE_NOT_CONTESTABLE', { message: local });
  const { stripe } = await ctx.stripe.forInstallation(ctx.db, scope.installationId);
  const sync = () => syncDispute({ scope, stripe, clock: ctx.clock, logger: ctx.logger, publicUrl: ctx.config.publicUrl, disputeId: d.stripeDisputeId });

  let fresh: Stripe.Dispute;
  try {
    fresh = await stripe.disputes.retrieve(d.stripeDisputeId);
  } catch (err) {
    if (isStripeError(err)) throw stripeUnavailable(err);
    throw err;
  }
  if (!NEEDS_RESPONSE.has(fresh.status) || fresh.evidence_details.submission_count > 0) {
    await sync();
    throw new AppError('DISPUTE_NOT_CONTESTABLE', { message: notContestableReason({ ...d, status: fresh.status }, ctx.clock.now()) ?? 'Evidence was already submitted; the bank is reviewing it.' });
  }

  const evidence: Stripe.DisputeUpdateParams.Evidence = {
    uncategorized_text: input.explanation,
    ...(input.productDescription ? { product_description: input.productDescription } : {}),
    ...(input.customerName ? { customer_name: input.customerName } : {}),
    ...(input.customerEmailAddress ? { customer_email_address: input.customerEmailAddress } : {}),
    ...(input.serviceDate ? { service_date: input.serviceDate } : {}),
  };
  const digest = createHash('sha256').update(JSON.stringify(evidence)).digest('hex').slice(0, 24);
  try {
    await stripe.disputes.update(d.stripeDisputeId, { evidence, submit: true }, { idempotencyKey: `dispute-evidence:${disputeId}:${digest}` });
  } catch (err) {
    if (!isStripeError(err)) throw err;
    if (err.type === 'StripeInvalidRequestError' || err.type === 'StripeIdempotencyError') {
      await sync().catch(() => undefined);
      throw new AppError('DISPUTE_NOT_CONTESTABLE', { message: `Stripe refused the evidence: ${err.message}`, cause: err });
    }
    throw stripeUnavailable(err);
  }

  await scope.transaction(async (tx) => {
    await tx.from('disputes').where({ id: disputeId }).forUpdate().first('id');
    const already = await tx.from('audit_log').where({ action: 'dispute.evidence_submitted', subject_type: 'dispute', subject_id: disputeId }).first('id');
    if (already) return; // the same submission again (a double click): audited once
    await recordAudit(
      tx,
      {
        actor: actor.audit,
        action: 'dispute.evidence_submitted',
        subjectType: 'dispute',
        subjectId: disputeId,
        clientId: d.clientId,
        details: { stripeDisputeId: d.stripeDisputeId, paymentId: d.paymentId, amount: d.amount, currency: d.currency, fields: Object.keys(evidence) },
        ip: actor.ip,
        requestId: actor.requestId,
      },
      ctx.clock,
    );
  });
  await sync();
  return getDisputeEvidence(scope, disputeId, ctx.clock);
}
