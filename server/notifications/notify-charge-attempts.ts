// Notices about automatic charges, found from the autopay module's own records (charge_attempts)
// rather than from inside it: an attempt that failed tells the client why, with the next retry date
// or that they must act (`attempt:{id}:failed`); one that needs the cardholder's authentication sends
// the link to the portal page that completes it on-session (same key: one client notice per attempt);
// one that failed with no retry left tells the MSP's staff (`attempt:{id}:final`).
import { InstallationScope } from '../db/tenant-scope';
import { autopayFailedEmail, authenticationNeededEmail, finalFailureStaffEmail } from '../email/notification-templates';
import type { AppContext } from '../http/context';
import { paymentMethodLabel } from '../payment-methods/payment-method-display';
import { explainFailure } from '../payments/failure-reasons';
import { DAY_MS, eachIsolated, noticeEnv, NOTIFY_HORIZON_DAYS, type SweepResult } from './notice-env';
import { clientRecipients, staffRecipients } from './recipients';
import { sendNotice } from './send-notice';

interface AttemptFacts {
  id: string;
  invoice_id: string;
  client_id: string;
  payment_id: string | null;
  attempt_no: number;
  amount: number;
  currency: string;
  status: 'failed' | 'requires_action';
  failure_code: string | null;
  decline_code: string | null;
  next_retry_at: Date | null;
  number: string;
  client_name: string;
  msp_name: string;
  timezone: string;
  method_label: string | null;
  failure_message: string | null;
  brand: string | null;
  bank_name: string | null;
  last4: string | null;
  type: string | null;
}

const clientKey = (id: string) => `attempt:${id}:failed`;
const finalKey = (id: string) => `attempt:${id}:final`;

export const needsAuthentication = (a: Pick<AttemptFacts, 'status' | 'failure_code' | 'decline_code'>): boolean =>
  a.status === 'requires_action' || a.failure_code === 'authentication_required' || a.decline_code === 'authentication_required';

/** Failed with nothing more scheduled: autopay has given up on this invoice. */
const isFinal = (a: Pick<AttemptFacts, 'status' | 'next_retry_at'>) => a.status === 'failed' && a.next_retry_at === null;

/** Attempts with a notice due and not yet recorded, oldest first, across installations. Read-only. */
async function dueAttempts(ctx: AppContext, limit: number): Promise<Array<{ id: string; installation_id: string }>> {
  const since = new Date(ctx.clock.now().getTime() - NOTIFY_HORIZON_DAYS * DAY_MS);
  const notified = (key: string) =>
    ctx.db('notifications as n').whereRaw('n.installation_id = a.installation_id').whereRaw(`n.event_key = ${key}`);
  return (await ctx
    .db('charge_attempts as a')
    .join('installations as i', 'i.id', 'a.installation_id')
    .where('i.status', 'active')
    .whereIn('a.status', ['failed', 'requires_action'])
    .where('a.updated_at', '>=', since)
    .where((q) =>
      q
        .whereNotExists(notified(`'attempt:' || a.id::text || ':failed'`))
        .orWhere((f) => f.where('a.status', 'failed').whereNull('a.next_retry_at').whereNotExists(notified(`'attempt:' || a.id::text || ':final'`))),
    )
    .orderBy('a.updated_at')
    .limit(limit)
    .select('a.id', 'a.installation_id')) as Array<{ id: string; installation_id: string }>;
}

async function attemptFacts(scope: InstallationScope, id: string): Promise<AttemptFacts | undefined> {
  return (await scope
    .from('charge_attempts')
    .join('invoices as inv', (j) => j.on('inv.installation_id', 'charge_attempts.installation_id').andOn('inv.id', 'charge_attempts.invoice_id'))
    .join('clients as c', (j) => j.on('c.installation_id', 'charge_attempts.installation_id').andOn('c.id', 'charge_attempts.client_id'))
    .join('installations as i', 'i.id', 'charge_attempts.installation_id')
    .leftJoin('payments as p', (j) => j.on('p.installation_id', 'charge_attempts.installation_id').andOn('p.id', 'charge_attempts.payment_id'))
    .leftJoin('payment_methods as m', (j) => j.on('m.installation_id', 'charge_attempts.installation_id').andOn('m.id', 'charge_attempts.payment_method_id'))
    .where('charge_attempts.id', id)
    .first(
      'charge_attempts.id', 'charge_attempts.invoice_id', 'charge_attempts.client_id', 'charge_attempts.payment_id', 'charge_attempts.attempt_no',
      'charge_attempts.amount', 'charge_attempts.currency', 'charge_attempts.status', 'charge_attempts.failure_code', 'charge_attempts.decline_code',
      'charge_attempts.next_retry_at', 'inv.number', 'c.name as client_name', 'i.name as msp_name', 'i.timezone', 'p.method_label', 'p.failure_message',
      'm.brand', 'm.bank_name', 'm.last4', 'm.type',
    )) as AttemptFacts | undefined;
}

/** Sends whatever is due for one attempt, in one transaction. Returns true when something was queued. */
async function notifyAttempt(ctx: AppContext, installationId: string, attemptId: string): Promise<boolean> {
  const env = noticeEnv(ctx);
  const base = ctx.config.publicUrl;
  return new InstallationScope(ctx.db, installationId).transaction(async (scope) => {
    const a = await attemptFacts(scope, attemptId);
    if (!a || (a.status !== 'failed' && a.status !== 'requires_action')) return false;
    const methodLabel = a.method_label ?? (a.last4 ? paymentMethodLabel(a) : 'your payment method');
    const charge = { mspName: a.msp_name, clientName: a.client_name, invoiceNumber: a.number, amount: a.amount, currency: a.currency, methodLabel };
    const auth = needsAuthentication(a);
    const why = explainFailure({ failureCode: a.failure_code, declineCode: a.decline_code, message: a.failure_message });
    let sent = false;

    const client = await sendNotice(
      scope,
      {
        eventKey: clientKey(a.id),
        category: auth ? 'authentication_required' : 'autopay_failed',
        clientId: a.client_id,
        subjectType: 'charge_attempt',
        subjectId: a.id,
        recipients: await clientRecipients(scope, a.client_id),
        render: () =>
          auth
            ? authenticationNeededEmail({ ...charge, authenticateUrl: a.payment_id ? `${base}/portal/authenticate/${a.payment_id}` : `${base}/portal/invoices/${a.invoice_id}` })
            : autopayFailedEmail({
                ...charge,
                reason: why.message,
                nextStep: why.nextStep,
                retryAt: a.next_retry_at,
                timezone: a.timezone,
                updateMethodUrl: `${base}/portal/payment-methods`,
                invoiceUrl: `${base}/portal/invoices/${a.invoice_id}`,
              }),
      },
      env,
      ctx.clock,
    );
    sent ||= client !== null;

    if (isFinal(a)) {
      const staff = await sendNotice(
        scope,
        {
          eventKey: finalKey(a.id),
          category: 'final_failure',
          clientId: a.client_id,
          subjectType: 'charge_attempt',
          subjectId: a.id,
          recipients: await staffRecipients(scope),
          render: () => finalFailureStaffEmail({ ...charge, reason: why.message, attempts: a.attempt_no, awaitingClient: auth, clientUrl: `${base}/app/clients/${a.client_id}` }),
        },
        env,
        ctx.clock,
      );
      sent ||= staff !== null;
    }
    return sent;
  });
}

/**
 * Queues the notices due for failed and authentication-needing charge attempts, in bounded batches,
 * across installations. Idempotent (event keys); safe to run in any number of processes at once;
 * one attempt failing never stops the others. Never changes an attempt, a payment or an invoice.
 */
export async function notifyChargeAttempts(ctx: AppContext, options: { batchSize?: number } = {}): Promise<SweepResult> {
  const due = await dueAttempts(ctx, options.batchSize ?? 200);
  return eachIsolated(ctx, due, 'charge attempt', (a) => notifyAttempt(ctx, a.installation_id, a.id));
}
