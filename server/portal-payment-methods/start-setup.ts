// Adding a card or bank account from the portal: a SetupIntent for off-session use on the client's
// Stripe customer, confirmed by the page with Stripe.js, then refreshed.
//
// Crash safety: the payment_methods row is written first, the SetupIntent is created with an
// idempotency key derived from that row's id, then the row is linked to it. A crash between the
// Stripe call and the link leaves an unlinked row (invisible in the portal); the same user's next
// setup of the same type reuses it and, through the same key, gets the same SetupIntent back instead
// of a second one. A Stripe failure removes the unlinked row: nothing changed.
import type Stripe from 'stripe';
import type { ClientScope } from '../db/tenant-scope';
import { AppError } from '../http/app-error';
import type { AppContext } from '../http/context';
import { getInstallationSettings } from '../installations/installation-settings';
import { achMandateText } from './consent-texts';
import { installationInfo, paymentMethodView } from './list-payment-methods';
import type { PaymentMethodType, PaymentMethodView } from './payment-method-view';
import { auditPortalChange, installationScopeOfClient, type PortalActor } from './portal-request';
import { isStripeError, loadPortalClient, portalStripe, requireStripeCustomer, stripeUnavailable } from './portal-stripe';

export interface StartSetupInput {
  type: PaymentMethodType;
  acceptMandate?: boolean | undefined;
}

export interface StartSetupOptions {
  /** Tests: runs after Stripe created the SetupIntent and before Settle links it (a crash there). */
  afterStripeCreate?: (setupIntent: Stripe.SetupIntent) => Promise<void> | void;
}

export interface MandateAcceptance {
  type: 'online';
  text: string;
  accepted_at: string;
  ip: string | null;
  user_agent: string | null;
  by: string;
}

export const setupIdempotencyKey = (paymentMethodRowId: string) => `portal-setup:${paymentMethodRowId}`;

/** An unlinked row younger than this may still be in flight in another request: never reused. */
const ORPHAN_MIN_AGE_MS = 2 * 60_000;
/** Stripe keeps idempotency keys for at least 24 hours; reuse only well within that. */
const ORPHAN_MAX_AGE_MS = 23 * 3600_000;

export async function startSetup(
  ctx: AppContext,
  scope: ClientScope,
  actor: PortalActor,
  input: StartSetupInput,
  options: StartSetupOptions = {},
): Promise<{ paymentMethod: PaymentMethodView; clientSecret: string }> {
  const client = await loadPortalClient(scope);
  const customerId = requireStripeCustomer(client);
  const settings = await getInstallationSettings(installationScopeOfClient(scope));
  const offered = input.type === 'card' ? settings.paymentMethods.card : settings.paymentMethods.usBankAccount;
  if (!offered) {
    throw new AppError(
      'PAYMENT_METHOD_TYPE_UNAVAILABLE',
      input.type === 'us_bank_account' && !settings.achAvailable ? { message: 'Bank account debits (ACH) are only available for accounts billed in US dollars.' } : {},
    );
  }
  if (input.type === 'us_bank_account' && input.acceptMandate !== true) throw new AppError('MANDATE_NOT_ACCEPTED');
  const stripe = await portalStripe(ctx, scope);
  const inst = await installationInfo(scope);
  const now = ctx.clock.now();
  const userId = actor.principal.userId;
  const mandate: MandateAcceptance | null =
    input.type === 'us_bank_account'
      ? { type: 'online', text: achMandateText(inst.name), accepted_at: now.toISOString(), ip: actor.ip ?? null, user_agent: actor.userAgent ?? null, by: userId }
      : null;

  // 1. The row (or an unlinked one a crashed attempt of this user left behind).
  const rowId = await scope.transaction(async (tx) => {
    const orphan = (await tx
      .from('payment_methods')
      .where({ type: input.type, status: 'pending_verification', added_by_kind: 'client', added_by_id: userId })
      .whereNull('setup_intent_id')
      .whereNull('stripe_payment_method_id')
      .where('created_at', '<=', new Date(now.getTime() - ORPHAN_MIN_AGE_MS))
      .where('created_at', '>', new Date(now.getTime() - ORPHAN_MAX_AGE_MS))
      .orderBy('created_at', 'desc')
      .forUpdate()
      .first('id')) as { id: string } | undefined;
    if (orphan) {
      await tx
        .from('payment_methods')
        .where({ id: orphan.id })
        .update({ mandate_acceptance: mandate ? JSON.stringify(mandate) : null, updated_at: now });
      return orphan.id;
    }
    const [row] = (await tx
      .insert('payment_methods', {
        type: input.type,
        status: 'pending_verification',
        added_by_kind: 'client',
        added_by_id: userId,
        mandate_acceptance: mandate ? JSON.stringify(mandate) : null,
        created_at: now,
        updated_at: now,
      })
      .returning('id')) as Array<{ id: string }>;
    return row!.id;
  });

  // 2. The SetupIntent, keyed by the row: a retry after a crash gets the same one back.
  const params: Stripe.SetupIntentCreateParams = {
    customer: customerId,
    usage: 'off_session',
    allowed_payment_method_types: [input.type],
    // Instant verification when Stripe can, micro-deposits otherwise.
    ...(input.type === 'us_bank_account' ? { payment_method_options: { us_bank_account: { verification_method: 'automatic' } } } : {}),
    metadata: { settle_installation_id: scope.installationId, settle_client_id: scope.clientId, settle_payment_method_id: rowId },
  };
  let setupIntent: Stripe.SetupIntent;
  try {
    setupIntent = await stripe.setupIntents.create(params, { idempotencyKey: setupIdempotencyKey(rowId) });
  } catch (err) {
    if (!isStripeError(err)) throw err;
    await scope.from('payment_methods').where({ id: rowId }).whereNull('setup_intent_id').del();
    throw stripeUnavailable(err);
  }
  await options.afterStripeCreate?.(setupIntent);
  if (!setupIntent.client_secret) throw new Error(`SetupIntent ${setupIntent.id} has no client_secret`);

  // 3. Link and audit.
  await scope.transaction(async (tx) => {
    await tx.from('payment_methods').where({ id: rowId }).update({ setup_intent_id: setupIntent.id, updated_at: ctx.clock.now() });
    await auditPortalChange(
      tx,
      actor,
      {
        action: 'payment_method.setup_started',
        subjectType: 'payment_method',
        subjectId: rowId,
        details: { type: input.type, setupIntentId: setupIntent.id, mandateAccepted: mandate !== null, ...(mandate ? { mandateText: mandate.text } : {}) },
      },
      ctx.clock,
    );
  });
  return { paymentMethod: await paymentMethodView(scope, rowId, ctx.clock), clientSecret: setupIntent.client_secret };
}
