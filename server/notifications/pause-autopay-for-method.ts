// Autopay pauses itself when its method can no longer be charged: the bank debit authorization
// (mandate) became inactive — revoked by the customer, or voided by an ACH dispute —, the method was
// detached, or a bank account's verification failed or expired. Called from the convergent syncs
// (mandate, SetupIntent, PaymentMethod) inside the transaction that recorded the change, so the
// pause, its audit entry and the client's email commit together with it, exactly once: a duplicate
// webhook finds the client already paused (and the event key already used) and does nothing.
// Autopay runs already skip paused clients; choosing another verified method in the portal resumes.
// (Pausing lives here, not in server/autopay/, which another stream owns; it only writes the
// client's existing `autopay_paused_reason` column.)
import { recordAudit } from '../audit/record-audit';
import type { Clock } from '../clock';
import type { InstallationScope } from '../db/tenant-scope';
import { autopayPausedEmail } from '../email/notification-templates';
import { paymentMethodLabel } from '../payment-methods/payment-method-display';
import { clientRecipients } from './recipients';
import { sendNotice, type NoticeEnv } from './send-notice';

export type PauseCause = 'mandate_inactive' | 'detached' | 'verification_failed' | 'verification_expired';

interface MethodRow {
  id: string;
  client_id: string;
  type: string;
  status: string;
  mandate_status: string | null;
  brand: string | null;
  bank_name: string | null;
  last4: string | null;
}

/** Why this method can no longer carry autopay, or null while it still can. Pure. */
export function pauseCauseOf(m: Pick<MethodRow, 'type' | 'status' | 'mandate_status'>): PauseCause | null {
  if (m.status === 'detached') return 'detached';
  if (m.status === 'verification_failed') return 'verification_failed';
  if (m.status === 'expired') return 'verification_expired';
  if (m.type === 'us_bank_account' && m.mandate_status === 'inactive') return 'mandate_inactive';
  return null;
}

/** The reason as the client and technicians read it (one sentence, no next step: the pages add theirs). */
export function pauseReasonText(cause: PauseCause, label: string): string {
  switch (cause) {
    case 'mandate_inactive':
      return `the authorization to debit ${label} is no longer active (it was revoked, or a payment from it was disputed), so it cannot be charged.`;
    case 'detached':
      return `${label} was removed, so it cannot be charged.`;
    case 'verification_failed':
      return `${label} could not be verified, so it cannot be charged.`;
    case 'verification_expired':
      return `${label} was not verified in time, so it cannot be charged.`;
    default: {
      const unknown: never = cause;
      throw new Error(`unknown pause cause ${String(unknown)}`);
    }
  }
}

/**
 * If `paymentMethodRowId` is the autopay method of a client with autopay on and not paused, and it can
 * no longer be charged, pauses autopay for that client with a plain reason, audits it and emails the
 * client (essential). Call inside the transaction that changed the method. Idempotent; returns whether
 * it paused. Never turns autopay off, never changes the method, never charges or cancels anything.
 */
export async function pauseAutopayForMethod(scope: InstallationScope, paymentMethodRowId: string, env: NoticeEnv, clock: Clock): Promise<boolean> {
  const method = (await scope.from('payment_methods').where({ id: paymentMethodRowId }).first('id', 'client_id', 'type', 'status', 'mandate_status', 'brand', 'bank_name', 'last4')) as MethodRow | undefined;
  if (!method) return false;
  const cause = pauseCauseOf(method);
  if (!cause) return false;
  const client = (await scope
    .from('clients')
    .where({ id: method.client_id, autopay_enabled: true, autopay_payment_method_id: method.id })
    .whereNull('autopay_paused_reason')
    .forUpdate()
    .first('id', 'name')) as { id: string; name: string } | undefined;
  if (!client) return false;
  const label = paymentMethodLabel(method);
  const reason = pauseReasonText(cause, label);
  const sentence = reason.charAt(0).toUpperCase() + reason.slice(1);
  const now = clock.now();
  await scope.from('clients').where({ id: client.id }).update({ autopay_paused_reason: sentence, updated_at: now });
  await recordAudit(
    scope,
    {
      actor: { type: 'system', id: null, label: 'autopay' },
      action: 'autopay.paused',
      subjectType: 'client',
      subjectId: client.id,
      clientId: client.id,
      details: { cause, paymentMethodId: method.id, reason: sentence },
    },
    clock,
  );
  await emailAutopayPaused(scope, { clientId: client.id, clientName: client.name, methodId: method.id, methodLabel: label, cause, reason: sentence }, env, clock);
  return true;
}

/**
 * Tells the client's contacts that autopay is paused, why, and where to choose another method
 * (essential: no unsubscribe). Once per client, method and cause: a method that cannot be charged
 * can never carry autopay again (the portal refuses it), so the same pause cannot happen twice.
 * Call inside the transaction that paused the client.
 */
export async function emailAutopayPaused(
  scope: InstallationScope,
  p: { clientId: string; clientName: string; methodId: string; methodLabel: string; cause: PauseCause | 'ach_dispute'; reason: string },
  env: NoticeEnv,
  clock: Clock,
): Promise<void> {
  const inst = (await scope.db('installations').where({ id: scope.installationId }).first('name')) as { name: string };
  await sendNotice(
    scope,
    {
      eventKey: `autopay-paused:${p.clientId}:${p.methodId}:${p.cause}`,
      category: 'autopay_paused',
      clientId: p.clientId,
      subjectType: 'client',
      subjectId: p.clientId,
      recipients: await clientRecipients(scope, p.clientId),
      render: () => autopayPausedEmail({ mspName: inst.name, clientName: p.clientName, methodLabel: p.methodLabel, reason: p.reason, autopayUrl: `${env.publicUrl}/portal/autopay` }),
    },
    env,
    clock,
  );
}
