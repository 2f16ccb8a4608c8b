// Adding a card or bank account on a client's behalf (technician UI). The client authorized it
// outside Settle; the technician confirms that authorization (channel, exact text, version), then
// enters the details with Stripe.js on the client page — Settle never sees them.
//
// - start: a payment_methods row marked technician-entered (who: added_by_id; when: authorized_at;
//   what: authorization_*), then a SetupIntent for off-session use keyed by that row (a retried call
//   gets the same SetupIntent). A Stripe failure removes the row: nothing changed.
// - card: the page confirms the SetupIntent with the Payment Element, then asks for a refresh.
// - bank account: the page collects the account with collectBankAccountForSetup (it attaches the
//   PaymentMethod to the SetupIntent), then Settle confirms the SetupIntent from the server with
//   mandate_data.customer_acceptance {type: 'offline', accepted_at}: Stripe accepts offline
//   acceptances only with a secret key (Stripe.js may send only online ones). Micro-deposits, when
//   Stripe needs them, are verified by the client in the portal, as for methods they add themselves,
//   or by the technician with the amounts (or SM code) the client reads out from their statement.
// Every step is audited with the technician as actor.
import type Stripe from 'stripe';
import { recordAudit, type AuditActor } from '../audit/record-audit';
import type { InstallationScope } from '../db/tenant-scope';
import { AppError } from '../http/app-error';
import type { AppContext } from '../http/context';
import { getInstallationSettings } from '../installations/installation-settings';
import { loadPaymentMethod, paymentMethodView } from '../portal-payment-methods/list-payment-methods';
import type { PaymentMethodType, PaymentMethodView } from '../portal-payment-methods/payment-method-view';
import { isStripeError, stripeUnavailable } from '../portal-payment-methods/portal-stripe';
import { verifyMicrodeposits, type VerifyInput } from '../portal-payment-methods/verify-microdeposits';
import { settleVerificationBookkeeping, syncMethodFromStripe } from '../portal-payment-methods/sync-method-state';
import { STAFF_AUTHORIZATION_VERSION, staffAuthorizationText, type AuthorizationChannel } from './authorization-texts';

export interface StaffActor {
  audit: AuditActor;
  userId: string;
  ip?: string | undefined;
  requestId?: string | undefined;
}

export interface StaffSetupInput {
  type: PaymentMethodType;
  authorization: { channel: AuthorizationChannel; confirmed: boolean; version: string };
}

/** The offline acceptance recorded on the row and sent to Stripe for a bank account. */
export interface OfflineMandateAcceptance {
  type: 'offline';
  text: string;
  version: string;
  channel: AuthorizationChannel;
  accepted_at: string;
  by: string;
}

interface ClientRow {
  id: string;
  name: string;
  mapping_status: string;
  stripe_customer_id: string | null;
}

export const staffSetupIdempotencyKey = (rowId: string) => `staff-setup:${rowId}`;

/** A client of this installation that is mapped to a Stripe customer. */
export async function loadMappedClient(scope: InstallationScope, clientId: string): Promise<ClientRow & { stripe_customer_id: string }> {
  const client = (await scope.from('clients').where({ id: clientId }).first('id', 'name', 'mapping_status', 'stripe_customer_id')) as ClientRow | undefined;
  if (!client) throw new AppError('CLIENT_NOT_FOUND');
  if (client.mapping_status !== 'mapped' || !client.stripe_customer_id) throw new AppError('CLIENT_NOT_MAPPED');
  return client as ClientRow & { stripe_customer_id: string };
}

/** Whether the installation offers the type; ACH exists only for USD (a clear message says so). */
export async function assertTypeOffered(scope: InstallationScope, type: PaymentMethodType): Promise<void> {
  const settings = await getInstallationSettings(scope);
  if (type === 'us_bank_account' && !settings.achAvailable) {
    throw new AppError('PAYMENT_METHOD_TYPE_UNAVAILABLE', { message: `Bank account debits (ACH) are only available for accounts billed in US dollars; this account bills in ${settings.currency}.` });
  }
  const offered = type === 'card' ? settings.paymentMethods.card : settings.paymentMethods.usBankAccount;
  if (!offered) throw new AppError('PAYMENT_METHOD_TYPE_UNAVAILABLE', { message: `${type === 'card' ? 'Cards are' : 'Bank accounts are'} turned off in this account's payment settings.` });
}

async function audit(scope: InstallationScope, actor: StaffActor, clientId: string, action: string, subjectId: string, details: Record<string, unknown>, ctx: AppContext): Promise<void> {
  await recordAudit(scope, { actor: actor.audit, action, subjectType: 'payment_method', subjectId, clientId, details: { enteredBy: 'technician', ...details }, ip: actor.ip, requestId: actor.requestId }, ctx.clock);
}

export async function startStaffSetup(
  ctx: AppContext,
  scope: InstallationScope,
  clientId: string,
  actor: StaffActor,
  input: StaffSetupInput,
): Promise<{ paymentMethod: PaymentMethodView; clientSecret: string }> {
  const client = await loadMappedClient(scope, clientId);
  await assertTypeOffered(scope, input.type);
  if (input.authorization.confirmed !== true) throw new AppError('AUTHORIZATION_NOT_CONFIRMED');
  const { stripe } = await ctx.stripe.forInstallation(ctx.db, scope.installationId);
  const inst = (await scope.db('installations').where({ id: scope.installationId }).first('name')) as { name: string };
  const text = staffAuthorizationText(input.type, inst.name, client.name);
  const now = ctx.clock.now();
  const mandate: OfflineMandateAcceptance | null =
    input.type === 'us_bank_account'
      ? { type: 'offline', text, version: STAFF_AUTHORIZATION_VERSION, channel: input.authorization.channel, accepted_at: now.toISOString(), by: actor.userId }
      : null;
  const c = scope.forClient(clientId);

  const [row] = (await c
    .insert('payment_methods', {
      type: input.type,
      status: 'pending_verification',
      added_by_kind: 'technician',
      added_by_id: actor.userId,
      authorization_channel: input.authorization.channel,
      authorization_text: text,
      authorization_version: STAFF_AUTHORIZATION_VERSION,
      authorized_at: now,
      mandate_acceptance: mandate ? JSON.stringify(mandate) : null,
      created_at: now,
      updated_at: now,
    })
    .returning('id')) as Array<{ id: string }>;
  const rowId = row!.id;

  let setupIntent: Stripe.SetupIntent;
  try {
    setupIntent = await stripe.setupIntents.create(
      {
        customer: client.stripe_customer_id,
        usage: 'off_session',
        allowed_payment_method_types: [input.type],
        ...(input.type === 'us_bank_account' ? { payment_method_options: { us_bank_account: { verification_method: 'automatic' } } } : {}),
        metadata: { settle_installation_id: scope.installationId, settle_client_id: clientId, settle_payment_method_id: rowId, settle_entered_by: 'technician' },
      },
      { idempotencyKey: staffSetupIdempotencyKey(rowId) },
    );
  } catch (err) {
    if (!isStripeError(err)) throw err;
    await c.from('payment_methods').where({ id: rowId }).whereNull('setup_intent_id').del();
    throw stripeUnavailable(err);
  }
  if (!setupIntent.client_secret) throw new Error(`SetupIntent ${setupIntent.id} has no client_secret`);

  await scope.transaction(async (tx) => {
    await tx.forClient(clientId).from('payment_methods').where({ id: rowId }).update({ setup_intent_id: setupIntent.id, updated_at: ctx.clock.now() });
    await audit(tx, actor, clientId, 'payment_method.setup_started', rowId, {
      type: input.type,
      setupIntentId: setupIntent.id,
      authorization: { channel: input.authorization.channel, version: STAFF_AUTHORIZATION_VERSION, text },
    }, ctx);
  });
  return { paymentMethod: await paymentMethodView(c, rowId, ctx.clock), clientSecret: setupIntent.client_secret };
}

/** Re-syncs a method from its SetupIntent and audits a status change (the technician's view of "refresh"). */
export async function refreshStaffMethod(ctx: AppContext, scope: InstallationScope, clientId: string, actor: StaffActor, id: string, stripe?: Stripe): Promise<PaymentMethodView> {
  const c = scope.forClient(clientId);
  const before = await loadPaymentMethod(c, id);
  if (before.setup_intent_id) {
    const client = stripe ?? (await ctx.stripe.forInstallation(ctx.db, scope.installationId)).stripe;
    await syncMethodFromStripe(ctx, c, client, before);
  }
  await scope.transaction(async (tx) => {
    const after = await settleVerificationBookkeeping(tx.forClient(clientId), id, ctx.clock);
    if (after.status !== before.status) {
      await audit(tx, actor, clientId, after.status === 'active' ? 'payment_method.verified' : 'payment_method.status_changed', id, { from: before.status, to: after.status, type: after.type, via: 'refresh' }, ctx);
    }
  });
  return paymentMethodView(c, id, ctx.clock);
}

/**
 * Confirms a technician-entered bank account's SetupIntent with the recorded offline acceptance,
 * after the page attached the account (collectBankAccountForSetup). Idempotent: a SetupIntent that
 * is already past confirmation is only refreshed.
 */
export async function confirmStaffBankAccount(ctx: AppContext, scope: InstallationScope, clientId: string, actor: StaffActor, id: string): Promise<PaymentMethodView> {
  await loadMappedClient(scope, clientId);
  const c = scope.forClient(clientId);
  const row = (await c
    .from('payment_methods')
    .where({ id })
    .whereNot('status', 'detached')
    .first('id', 'type', 'status', 'setup_intent_id', 'added_by_kind', 'mandate_acceptance')) as
    | { id: string; type: PaymentMethodType; status: string; setup_intent_id: string | null; added_by_kind: string; mandate_acceptance: OfflineMandateAcceptance | string | null }
    | undefined;
  if (!row || row.type !== 'us_bank_account' || row.added_by_kind !== 'technician' || !row.setup_intent_id || !row.mandate_acceptance) throw new AppError('PAYMENT_METHOD_NOT_FOUND');
  const acceptance = (typeof row.mandate_acceptance === 'string' ? JSON.parse(row.mandate_acceptance) : row.mandate_acceptance) as OfflineMandateAcceptance;
  const { stripe } = await ctx.stripe.forInstallation(ctx.db, scope.installationId);
  const setupIntentId = row.setup_intent_id;

  let si: Stripe.SetupIntent;
  try {
    si = await stripe.setupIntents.retrieve(setupIntentId);
  } catch (err) {
    if (isStripeError(err)) throw stripeUnavailable(err);
    throw err;
  }
  if (si.status === 'requires_payment_method') throw new AppError('SETUP_NOT_READY');
  if (si.status === 'requires_confirmation') {
    try {
      si = await stripe.setupIntents.confirm(
        setupIntentId,
        { mandate_data: { customer_acceptance: { type: 'offline', accepted_at: Math.floor(new Date(acceptance.accepted_at).getTime() / 1000), offline: {} } } },
        { idempotencyKey: `staff-setup-confirm:${row.id}` },
      );
    } catch (err) {
      if (!isStripeError(err)) throw err;
      // A refused account comes back with the SetupIntent: the refresh below records the failure.
      if (!(err.raw as { setup_intent?: unknown } | undefined)?.setup_intent) throw stripeUnavailable(err);
    }
    await audit(scope, actor, clientId, 'payment_method.mandate_recorded', row.id, {
      setupIntentId,
      mandate: { type: 'offline', channel: acceptance.channel, version: acceptance.version, acceptedAt: acceptance.accepted_at },
    }, ctx);
  }
  return refreshStaffMethod(ctx, scope, clientId, actor, id, stripe);
}

/**
 * Micro-deposit verification entered by a technician for the client (who reads the amounts or the
 * SM code from their statement): the portal's checks, attempts and answers, audited as the
 * technician's. Any of the client's bank accounts awaiting verification, whoever added it.
 */
export async function verifyStaffMicrodeposits(ctx: AppContext, scope: InstallationScope, clientId: string, actor: StaffActor, id: string, input: VerifyInput): Promise<PaymentMethodView> {
  await loadMappedClient(scope, clientId);
  return verifyMicrodeposits(ctx, scope.forClient(clientId), { audit: actor.audit, enteredBy: 'technician', ip: actor.ip, requestId: actor.requestId }, id, input);
}
