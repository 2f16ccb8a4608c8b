// Reminds clients to verify a bank account before its micro-deposit window closes: once per method,
// when the deadline is less than 3 days away, to the client's portal users and billing contacts.
// The email is queued in the same transaction that marks the reminder sent, so a crash can neither
// lose the reminder nor send it twice (the notice's event key makes a re-run a no-op too). Reminders
// are non-essential: each carries a one-click unsubscribe link, and people who unsubscribed are
// left out.
import { recordAudit } from '../audit/record-audit';
import type { Clock } from '../clock';
import { InstallationScope } from '../db/tenant-scope';
import { verificationReminderEmail } from '../email/templates';
import type { AppContext } from '../http/context';
import { noticeEnv } from '../notifications/notice-env';
import { clientRecipients } from '../notifications/recipients';
import { sendNotice } from '../notifications/send-notice';
import { paymentMethodLabel } from '../payment-methods/payment-method-display';
import { VERIFICATION_WINDOW_DAYS, verificationExpiresAt, type PaymentMethodRow } from './payment-method-view';

export const REMINDER_LEAD_DAYS = 3;
const DAY_MS = 86_400_000;

interface DueMethod {
  id: string;
  installation_id: string;
  client_id: string;
}

export interface VerificationRemindersResult {
  reminded: number;
  emails: number;
  /** Methods with nobody to write to (marked anyway, so they are not retried every hour). */
  noRecipient: number;
  failed: number;
}

/**
 * Queues due reminders across installations, in bounded batches. Idempotent (verification_reminder_sent_at
 * is checked under a row lock; outbox dedupe keys). One method failing never stops the others.
 */
export async function sendVerificationReminders(ctx: AppContext, options: { batchSize?: number } = {}): Promise<VerificationRemindersResult> {
  const now = ctx.clock.now();
  const horizon = new Date(now.getTime() + REMINDER_LEAD_DAYS * DAY_MS);
  const due = (await ctx
    .db('payment_methods as m')
    .join('installations as i', 'i.id', 'm.installation_id')
    .where('i.status', 'active')
    .where({ 'm.status': 'pending_verification', 'm.type': 'us_bank_account' })
    .whereNotNull('m.microdeposit_type')
    .whereNull('m.verification_reminder_sent_at')
    // Rows only synced by webhooks have no recorded deadline: use the same estimate the portal shows.
    .whereRaw(`coalesce(m.verification_expires_at, m.created_at + interval '${VERIFICATION_WINDOW_DAYS} days') <= ?`, [horizon])
    .whereRaw(`coalesce(m.verification_expires_at, m.created_at + interval '${VERIFICATION_WINDOW_DAYS} days') > ?`, [now])
    .orderBy('m.created_at', 'asc')
    .limit(options.batchSize ?? 200)
    .select('m.id', 'm.installation_id', 'm.client_id')) as DueMethod[];

  const result: VerificationRemindersResult = { reminded: 0, emails: 0, noRecipient: 0, failed: 0 };
  for (const method of due) {
    try {
      const sent = await remindOne(ctx, method, ctx.clock);
      if (sent === null) continue;
      result.reminded++;
      result.emails += sent;
      if (sent === 0) result.noRecipient++;
    } catch (err) {
      result.failed++;
      ctx.logger.warn({ err, paymentMethodRowId: method.id, installationId: method.installation_id }, 'could not queue a verification reminder');
    }
  }
  return result;
}

/** Queues one method's reminder; returns the number of emails queued, or null when it was no longer due. */
async function remindOne(ctx: AppContext, method: DueMethod, clock: Clock): Promise<number | null> {
  return new InstallationScope(ctx.db, method.installation_id).transaction(async (scope) => {
    const row = (await scope
      .from('payment_methods')
      .where({ id: method.id })
      .forUpdate()
      .first()) as PaymentMethodRow | undefined;
    if (!row || row.status !== 'pending_verification' || row.verification_reminder_sent_at !== null || !row.microdeposit_type) return null;
    const inst = (await scope.db('installations').where({ id: method.installation_id }).first('name', 'timezone')) as { name: string; timezone: string };
    const client = (await scope.from('clients').where({ id: method.client_id }).first('name')) as { name: string };
    const recipients = await clientRecipients(scope, method.client_id);
    const notice = await sendNotice(
      scope,
      {
        eventKey: `verification-reminder:${row.id}`,
        category: 'verification_reminder',
        clientId: method.client_id,
        subjectType: 'payment_method',
        subjectId: row.id,
        recipients,
        render: (unsubscribeUrl) =>
          verificationReminderEmail({
            mspName: inst.name,
            clientName: client.name,
            bankLabel: paymentMethodLabel(row),
            deadline: verificationExpiresAt(row),
            timezone: inst.timezone,
            verifyUrl: `${ctx.config.publicUrl}/portal/payment-methods/${row.id}/verify`,
            unsubscribeUrl,
          }),
      },
      noticeEnv(ctx),
      clock,
    );
    const queued = notice?.queued ?? 0;
    const now = clock.now();
    await scope.from('payment_methods').where({ id: row.id }).update({ verification_reminder_sent_at: now, updated_at: now });
    await recordAudit(
      scope,
      {
        actor: { type: 'system', id: null, label: 'verification reminders' },
        action: 'payment_method.verification_reminder_sent',
        subjectType: 'payment_method',
        subjectId: row.id,
        clientId: method.client_id,
        details: { recipients: queued, unsubscribed: notice?.suppressed ?? 0, deadline: verificationExpiresAt(row).toISOString() },
      },
      clock,
    );
    return queued;
  });
}
