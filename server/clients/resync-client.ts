// "Resync from Stripe" on a client's page: re-reads the client's customer, saved payment methods,
// unfinished setups and unfinished payments through the same convergent sync functions the webhooks
// and the drift sweep use, so a missed or delayed webhook is repaired on demand. Idempotent (each
// sync converges; running it twice changes nothing more). Never writes to Stripe, never charges.
import type { AuditActor } from '../audit/record-audit';
import { recordAudit } from '../audit/record-audit';
import type { InstallationScope } from '../db/tenant-scope';
import { AppError } from '../http/app-error';
import type { AppContext } from '../http/context';
import { syncCustomer } from '../mapping/sync-customer';
import { syncPaymentMethod } from '../payment-methods/sync-payment-method';
import { syncSetupIntent } from '../payment-methods/sync-setup-intent';
import { syncPaymentIntent } from '../payments/sync-payment-intent';

export interface ResyncResult {
  customer: 'unchanged' | 'unmapped';
  paymentMethods: number;
  setups: number;
  payments: number;
  /** How many of those objects changed in Settle. */
  updated: number;
}

export async function resyncClient(ctx: AppContext, scope: InstallationScope, clientId: string, meta: { actor: AuditActor; ip?: string | undefined; requestId?: string | undefined }): Promise<ResyncResult> {
  const client = (await scope.from('clients').where({ id: clientId }).first('id', 'stripe_customer_id')) as { id: string; stripe_customer_id: string | null } | undefined;
  if (!client) throw new AppError('CLIENT_NOT_FOUND');
  if (!client.stripe_customer_id) throw new AppError('CLIENT_NOT_MAPPED');
  const { stripe } = await ctx.stripe.forInstallation(ctx.db, scope.installationId);
  const sync = { scope, stripe, clock: ctx.clock, logger: ctx.logger, publicUrl: ctx.config.publicUrl };
  const c = scope.forClient(clientId);
  let updated = 0;
  const count = (outcome: string) => {
    if (outcome === 'updated') updated++;
  };

  const customer = await syncCustomer({ ...sync, customerId: client.stripe_customer_id });
  const unmapped = customer.outcome === 'updated';
  // Setups first (they find the PaymentMethod), then the methods, then unfinished payments.
  const setups = (await c.from('payment_methods').where({ status: 'pending_verification' }).whereNotNull('setup_intent_id').pluck('setup_intent_id')) as string[];
  for (const setupIntentId of setups) count((await syncSetupIntent({ ...sync, setupIntentId })).outcome);
  const methods = (await c.from('payment_methods').whereNot({ status: 'detached' }).whereNotNull('stripe_payment_method_id').pluck('stripe_payment_method_id')) as string[];
  for (const paymentMethodId of methods) count((await syncPaymentMethod({ ...sync, paymentMethodId })).outcome);
  const intents = (await c.from('payments').whereIn('status', ['pending', 'processing', 'requires_action']).whereNotNull('stripe_payment_intent_id').pluck('stripe_payment_intent_id')) as string[];
  for (const paymentIntentId of intents) count((await syncPaymentIntent({ ...sync, paymentIntentId })).outcome);

  const result: ResyncResult = { customer: unmapped ? 'unmapped' : 'unchanged', paymentMethods: methods.length, setups: setups.length, payments: intents.length, updated: updated + (unmapped ? 1 : 0) };
  await recordAudit(scope, { actor: meta.actor, action: 'client.resynced', subjectType: 'client', subjectId: clientId, clientId, details: { ...result }, ip: meta.ip, requestId: meta.requestId }, ctx.clock);
  return result;
}
