// Removing a saved method: detached in Stripe first (so Stripe can never charge it again), then
// marked `detached` here. A pending bank verification is canceled. Refused while the method carries
// autopay for invoices still to be paid: the client must turn autopay off or move it first.
import Stripe from 'stripe';
import type { ClientScope } from '../db/tenant-scope';
import { AppError } from '../http/app-error';
import type { AppContext } from '../http/context';
import { hasScheduledInvoices } from './autopay';
import { loadPaymentMethod } from './list-payment-methods';
import { auditPortalChange, type PortalActor } from './portal-request';
import { callStripe, isStripeError, loadPortalClient, portalStripe, stripeUnavailable } from './portal-stripe';

const isMissing = (err: unknown) => err instanceof Stripe.errors.StripeInvalidRequestError && (err.statusCode === 404 || err.code === 'resource_missing');

async function cancelSetupIntent(stripe: Stripe, setupIntentId: string): Promise<void> {
  try {
    await stripe.setupIntents.cancel(setupIntentId);
  } catch (err) {
    // Already succeeded, failed or canceled (or gone): nothing left to stop.
    if (isMissing(err) || (err instanceof Stripe.errors.StripeInvalidRequestError && err.code === 'setup_intent_unexpected_state')) return;
    if (isStripeError(err)) throw stripeUnavailable(err);
    throw err;
  }
}

async function detachInStripe(stripe: Stripe, paymentMethodId: string): Promise<void> {
  let pm: Stripe.PaymentMethod;
  try {
    pm = await stripe.paymentMethods.retrieve(paymentMethodId);
  } catch (err) {
    if (isMissing(err)) return;
    if (isStripeError(err)) throw stripeUnavailable(err);
    throw err;
  }
  // A bank account still being verified was never attached to the customer.
  if (!pm.customer) return;
  await callStripe(() => stripe.paymentMethods.detach(paymentMethodId));
}

export async function removePaymentMethod(ctx: AppContext, scope: ClientScope, actor: PortalActor, id: string): Promise<void> {
  const row = await loadPaymentMethod(scope, id);
  const client = await loadPortalClient(scope);
  if (client.autopay_enabled && client.autopay_payment_method_id === id && (await hasScheduledInvoices(scope))) {
    throw new AppError('AUTOPAY_METHOD_IN_USE');
  }

  if (row.setup_intent_id || row.stripe_payment_method_id) {
    const stripe = await portalStripe(ctx, scope);
    if (row.status === 'pending_verification' && row.setup_intent_id) await cancelSetupIntent(stripe, row.setup_intent_id);
    if (row.stripe_payment_method_id) await detachInStripe(stripe, row.stripe_payment_method_id);
  }

  await scope.transaction(async (tx) => {
    const now = ctx.clock.now();
    const current = await loadPortalClient(tx, { forUpdate: true });
    await tx.from('payment_methods').where({ id }).update({ status: 'detached', is_default: false, updated_at: now });
    await auditPortalChange(
      tx,
      actor,
      { action: 'payment_method.removed', subjectType: 'payment_method', subjectId: id, details: { type: row.type, previousStatus: row.status, stripePaymentMethodId: row.stripe_payment_method_id } },
      ctx.clock,
    );
    if (current.autopay_payment_method_id === id) {
      // Autopay pointed at this method with nothing scheduled (checked above): it cannot go on without it.
      await tx.from('clients').where({ id: scope.clientId }).update({ autopay_enabled: false, autopay_payment_method_id: null, updated_at: now });
      if (current.autopay_enabled) {
        await auditPortalChange(tx, actor, { action: 'autopay.disabled', subjectType: 'client', subjectId: scope.clientId, details: { reason: 'payment_method_removed', paymentMethodId: id } }, ctx.clock);
      }
    }
  });
}
