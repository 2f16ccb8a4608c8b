// Turning autopay on or off for a client from the technician UI (Payment methods tab). On needs a
// usable method of the client's and the client's autopay authorization, confirmed by the technician
// with how it was given (recorded on clients.autopay_consent with the exact text, the staff user and
// the channel, like the portal records the client's own acceptance); a pause is lifted. Off keeps
// nothing charging. Idempotent; audited. Pausing and resuming are the autopay module's actions.
import { recordAudit } from '../audit/record-audit';
import type { InstallationScope } from '../db/tenant-scope';
import { AppError } from '../http/app-error';
import type { AppContext } from '../http/context';
import { getInstallationSettings } from '../installations/installation-settings';
import { formatMoney } from '../money/money';
import { loadPaymentMethod } from '../portal-payment-methods/list-payment-methods';
import { isCardExpired } from '../payment-methods/payment-method-display';
import { STAFF_AUTHORIZATION_VERSION, staffAutopayText, type AuthorizationChannel } from './authorization-texts';
import { loadMappedClient, type StaffActor } from './staff-setup';

export type StaffAutopayInput =
  | { enabled: true; paymentMethodId: string; authorization: { channel: AuthorizationChannel; confirmed: boolean; version: string } }
  | { enabled: false };

export interface StaffAutopayView {
  enabled: boolean;
  paymentMethodId: string | null;
  pausedReason: string | null;
  /** Who recorded the authorization in force: the client in the portal, or a technician. */
  consent: null | { by: 'client' | 'technician'; channel: AuthorizationChannel | null; acceptedAt: string };
}

interface ConsentJson {
  accepted_at: string;
  staff_user_id?: string;
  channel?: AuthorizationChannel;
}

/** The autopay authorization text for this installation and client (with the MSP's per-invoice limit). */
export async function autopayTextFor(scope: InstallationScope, clientName: string): Promise<string> {
  const settings = await getInstallationSettings(scope);
  const inst = (await scope.db('installations').where({ id: scope.installationId }).first('name')) as { name: string };
  return staffAutopayText(inst.name, clientName, settings.autopay.maxAmount === null ? null : formatMoney(settings.autopay.maxAmount, settings.currency));
}

export async function staffAutopayView(scope: InstallationScope, clientId: string): Promise<StaffAutopayView> {
  const c = (await scope.from('clients').where({ id: clientId }).first('autopay_enabled', 'autopay_payment_method_id', 'autopay_paused_reason', 'autopay_consent')) as
    | { autopay_enabled: boolean; autopay_payment_method_id: string | null; autopay_paused_reason: string | null; autopay_consent: ConsentJson | string | null }
    | undefined;
  if (!c) throw new AppError('CLIENT_NOT_FOUND');
  const consent = typeof c.autopay_consent === 'string' ? (JSON.parse(c.autopay_consent) as ConsentJson) : c.autopay_consent;
  return {
    enabled: c.autopay_enabled,
    paymentMethodId: c.autopay_enabled ? c.autopay_payment_method_id : null,
    pausedReason: c.autopay_paused_reason,
    consent: c.autopay_enabled && consent ? { by: consent.staff_user_id ? 'technician' : 'client', channel: consent.channel ?? null, acceptedAt: new Date(consent.accepted_at).toISOString() } : null,
  };
}

export async function setStaffAutopay(ctx: AppContext, scope: InstallationScope, clientId: string, actor: StaffActor, input: StaffAutopayInput): Promise<StaffAutopayView> {
  const client = await loadMappedClient(scope, clientId);
  const audit = (tx: InstallationScope, action: string, details: Record<string, unknown>) =>
    recordAudit(tx, { actor: actor.audit, action, subjectType: 'client', subjectId: clientId, clientId, details: { enteredBy: 'technician', ...details }, ip: actor.ip, requestId: actor.requestId }, ctx.clock);

  if (input.enabled) {
    if (input.authorization.confirmed !== true) throw new AppError('AUTHORIZATION_NOT_CONFIRMED');
    const text = await autopayTextFor(scope, client.name);
    await scope.transaction(async (tx) => {
      const current = (await tx.from('clients').where({ id: clientId }).forUpdate().first('autopay_enabled', 'autopay_payment_method_id', 'autopay_paused_reason')) as {
        autopay_enabled: boolean;
        autopay_payment_method_id: string | null;
        autopay_paused_reason: string | null;
      };
      const method = await loadPaymentMethod(tx.forClient(clientId), input.paymentMethodId, { forUpdate: true });
      const now = ctx.clock.now();
      if (method.status !== 'active' || (method.type === 'us_bank_account' && method.mandate_status === 'inactive')) throw new AppError('PAYMENT_METHOD_NOT_USABLE');
      if (method.type === 'card' && isCardExpired(method, now)) throw new AppError('PAYMENT_METHOD_NOT_USABLE', { message: 'This card has expired. Choose another payment method for autopay.' });
      const consent = { text, version: STAFF_AUTHORIZATION_VERSION, accepted_at: now.toISOString(), ip: null, user_agent: null, portal_user_id: null, staff_user_id: actor.userId, channel: input.authorization.channel };
      await tx
        .from('clients')
        .where({ id: clientId })
        .update({ autopay_enabled: true, autopay_payment_method_id: method.id, autopay_consent: JSON.stringify(consent), autopay_paused_reason: null, updated_at: now });
      await audit(tx, current.autopay_enabled ? 'autopay.method_changed' : 'autopay.enabled', {
        paymentMethodId: method.id,
        previousPaymentMethodId: current.autopay_enabled ? current.autopay_payment_method_id : null,
        liftedPause: current.autopay_paused_reason,
        authorization: { channel: input.authorization.channel, version: STAFF_AUTHORIZATION_VERSION, text },
      });
    });
  } else {
    await scope.transaction(async (tx) => {
      const current = (await tx.from('clients').where({ id: clientId }).forUpdate().first('autopay_enabled', 'autopay_payment_method_id')) as { autopay_enabled: boolean; autopay_payment_method_id: string | null };
      if (!current.autopay_enabled && current.autopay_payment_method_id === null) return;
      await tx.from('clients').where({ id: clientId }).update({ autopay_enabled: false, autopay_payment_method_id: null, updated_at: ctx.clock.now() });
      await audit(tx, 'autopay.disabled', { reason: 'technician_turned_off', paymentMethodId: current.autopay_payment_method_id });
    });
  }
  return staffAutopayView(scope, clientId);
}
