// Autopay as the client sees and controls it: on/off, which verified method, the authorization they
// accepted (text, time, IP, user agent — recorded on clients.autopay_consent), and which open
// invoices the next runs would charge, with the reason when one will not be charged. The runs
// themselves belong to the autopay module; this file never charges anything.
import { isCardExpired } from '../payment-methods/payment-method-display';
import { z } from 'zod';
import type { Clock } from '../clock';
import type { ClientScope } from '../db/tenant-scope';
import { AppError } from '../http/app-error';
import type { AppContext } from '../http/context';
import { uuidParam } from '../http/params';
import { getInstallationSettings } from '../installations/installation-settings';
import { formatMoney } from '../money/money';
import { autopayConsentText } from './consent-texts';
import { installationInfo, loadPaymentMethod } from './list-payment-methods';
import { auditPortalChange, installationScopeOfClient, type PortalActor } from './portal-request';
import { canPayOnline, loadPortalClient, type AutopayConsentRecord } from './portal-stripe';

/** Invoices autopay would charge: still owed, not already being paid. */
export const SCHEDULABLE_STATUSES = ['open', 'partially_paid'] as const;

export interface ScheduledCharge {
  invoiceId: string;
  number: string;
  dueDate: string;
  amountRemaining: number;
  currency: string;
  willCharge: boolean;
  reason: string | null;
}

export interface AutopayView {
  enabled: boolean;
  paymentMethodId: string | null;
  consentText: string;
  consentAcceptedAt: string | null;
  maxAmount: number | null;
  /** The currency of maxAmount (the installation's). */
  currency: string;
  pausedReason: string | null;
  scheduled: ScheduledCharge[];
}

export const autopayInputSchema = z.discriminatedUnion('enabled', [
  z.object({ enabled: z.literal(true), paymentMethodId: z.string().min(1).max(100), acceptConsent: z.boolean().optional() }).strict(),
  z.object({ enabled: z.literal(false) }).strict(),
]);
export type AutopayInput = z.infer<typeof autopayInputSchema>;

/** True when the client owes something autopay would charge (a method carrying autopay is in use). */
export async function hasScheduledInvoices(scope: ClientScope): Promise<boolean> {
  const row = await scope.from('invoices').whereIn('status', SCHEDULABLE_STATUSES).where('amount_remaining', '>', 0).first('id');
  return Boolean(row);
}

export async function getAutopay(scope: ClientScope, _clock: Clock): Promise<AutopayView> {
  const client = await loadPortalClient(scope);
  const inst = await installationInfo(scope);
  const settings = await getInstallationSettings(installationScopeOfClient(scope));
  const maxAmount = settings.autopay.maxAmount;
  const consent = client.autopay_enabled ? client.autopay_consent : null;

  const method = client.autopay_payment_method_id
    ? await loadPaymentMethod(scope, client.autopay_payment_method_id).catch((err: unknown) => {
        if (err instanceof AppError && err.code === 'PAYMENT_METHOD_NOT_FOUND') return null;
        throw err;
      })
    : null;
  const invoices = (await scope
    .from('invoices')
    .whereIn('status', SCHEDULABLE_STATUSES)
    .where('amount_remaining', '>', 0)
    .orderBy([
      { column: 'due_date', order: 'asc' },
      { column: 'number', order: 'asc' },
    ])
    .select('id', 'number', 'due_date', 'amount_remaining', 'currency', 'autopay_skipped_at')) as Array<{ id: string; number: string; due_date: string; amount_remaining: number; currency: string; autopay_skipped_at: Date | null }>;
  const inFlight = new Set(
    invoices.length
      ? (
          (await installationScopeOfClient(scope)
            .from('allocations')
            .whereIn(
              'invoice_id',
              invoices.map((i) => i.id),
            )
            .where('state', 'pending')
            .select('invoice_id')) as Array<{ invoice_id: string }>
        ).map((a) => a.invoice_id)
      : [],
  );

  // Reasons that hold for every invoice, most fundamental first.
  let blocked: string | null = null;
  if (!canPayOnline(client)) blocked = 'Online payments are not available for this account.';
  else if (!client.autopay_enabled) blocked = 'Autopay is off.';
  else if (client.autopay_paused_reason) blocked = `Autopay is paused: ${client.autopay_paused_reason}`;
  else if (!method || method.status !== 'active') blocked = 'No verified payment method is set for autopay.';
  else if (method.type === 'us_bank_account' && method.mandate_status === 'inactive') blocked = 'The bank debit authorization for the autopay account was revoked.';

  const scheduled = invoices.map((inv): ScheduledCharge => {
    let reason = blocked;
    if (!reason && inv.currency !== inst.currency) reason = `This invoice is in ${inv.currency}; autopay charges ${inst.currency} only.`;
    if (!reason && maxAmount !== null && inv.amount_remaining > maxAmount) {
      reason = `Above the ${formatMoney(maxAmount, inst.currency)} limit ${inst.name} set for automatic payments — pay this invoice yourself.`;
    }
    if (!reason && inFlight.has(inv.id)) reason = 'A payment for this invoice is already in progress.';
    // A technician set it aside (server/autopay/actions): autopay will not charge it, nor announce it.
    if (!reason && inv.autopay_skipped_at) reason = `${inst.name} set this invoice aside from autopay — pay it yourself, or ask them.`;
    return {
      invoiceId: inv.id,
      number: inv.number,
      dueDate: inv.due_date,
      amountRemaining: inv.amount_remaining,
      currency: inv.currency,
      willCharge: reason === null,
      reason,
    };
  });

  return {
    enabled: client.autopay_enabled,
    paymentMethodId: client.autopay_enabled ? client.autopay_payment_method_id : null,
    consentText: consent?.text ?? autopayConsentText(inst.name, maxAmount, inst.currency),
    consentAcceptedAt: consent ? new Date(consent.accepted_at).toISOString() : null,
    maxAmount,
    currency: inst.currency,
    pausedReason: client.autopay_paused_reason,
    scheduled,
  };
}

/**
 * Turns autopay on (a verified method of this client and the accepted authorization, recorded with
 * its exact text; a pause is lifted) or off. Idempotent; audited.
 */
export async function updateAutopay(ctx: AppContext, scope: ClientScope, actor: PortalActor, input: AutopayInput): Promise<AutopayView> {
  if (input.enabled) {
    if (input.acceptConsent !== true) throw new AppError('AUTOPAY_CONSENT_REQUIRED');
    const methodId = uuidParam(input.paymentMethodId, 'PAYMENT_METHOD_NOT_FOUND');
    const inst = await installationInfo(scope);
    const settings = await getInstallationSettings(installationScopeOfClient(scope));
    const text = autopayConsentText(inst.name, settings.autopay.maxAmount, inst.currency);
    await scope.transaction(async (tx) => {
      const client = await loadPortalClient(tx, { forUpdate: true });
      if (!canPayOnline(client)) throw new AppError('ONLINE_PAYMENTS_UNAVAILABLE');
      const method = await loadPaymentMethod(tx, methodId, { forUpdate: true });
      if (method.status !== 'active' || (method.type === 'us_bank_account' && method.mandate_status === 'inactive')) {
        throw new AppError('PAYMENT_METHOD_NOT_USABLE');
      }
      const now = ctx.clock.now();
      if (method.type === 'card' && isCardExpired(method, now)) throw new AppError('PAYMENT_METHOD_NOT_USABLE', { message: 'This card has expired. Choose another payment method for autopay.' });
      const consent: AutopayConsentRecord = { text, accepted_at: now.toISOString(), ip: actor.ip ?? null, user_agent: actor.userAgent ?? null, portal_user_id: actor.principal.userId };
      await tx
        .from('clients')
        .where({ id: scope.clientId })
        .update({ autopay_enabled: true, autopay_payment_method_id: methodId, autopay_consent: JSON.stringify(consent), autopay_paused_reason: null, updated_at: now });
      await auditPortalChange(
        tx,
        actor,
        {
          action: client.autopay_enabled ? 'autopay.method_changed' : 'autopay.enabled',
          subjectType: 'client',
          subjectId: scope.clientId,
          details: {
            paymentMethodId: methodId,
            previousPaymentMethodId: client.autopay_enabled ? client.autopay_payment_method_id : null,
            liftedPause: client.autopay_paused_reason,
            consentText: text,
          },
        },
        ctx.clock,
      );
    });
  } else {
    await scope.transaction(async (tx) => {
      const client = await loadPortalClient(tx, { forUpdate: true });
      if (!client.autopay_enabled && client.autopay_payment_method_id === null) return;
      await tx.from('clients').where({ id: scope.clientId }).update({ autopay_enabled: false, autopay_payment_method_id: null, updated_at: ctx.clock.now() });
      await auditPortalChange(
        tx,
        actor,
        { action: 'autopay.disabled', subjectType: 'client', subjectId: scope.clientId, details: { reason: 'client_turned_off', paymentMethodId: client.autopay_payment_method_id } },
        ctx.clock,
      );
    });
  }
  return getAutopay(scope, ctx.clock);
}
