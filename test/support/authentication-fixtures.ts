// An automatic charge that the card's bank refused off-session (`authentication_required`), built the
// way the autopay engine records one — payment, pending split and charge attempt first, then the
// off-session PaymentIntent with the attempt's idempotency key — but leaving the intent as Stripe
// leaves it (requires_payment_method, confirmable again on-session), so the authentication page has
// something to complete whatever the engine does with failed intents.
import { randomUUID } from 'node:crypto';
import type Stripe from 'stripe';
import type { AppContext } from '../../server/http/context';
import { syncPaymentIntent } from '../../server/payments/sync-payment-intent';
import type { makePayingClient } from './payment-fixtures';

type Paying = Awaited<ReturnType<typeof makePayingClient>>;

export async function offSessionChargeNeedingAuthentication(
  ctx: AppContext,
  p: Paying,
  card: { id: string; stripeId: string },
  invoice: { id: string; number: string; total: number },
): Promise<{ paymentId: string; attemptId: string; intentId: string }> {
  const paymentId = randomUUID();
  const attemptId = randomUUID();
  const key = `autopay:${invoice.id}:1`;
  const now = ctx.clock.now();
  await p.inst.scope.transaction(async (tx) => {
    await tx.insert('payments', {
      id: paymentId, client_id: p.client.id, source: 'autopay', status: 'pending', amount: invoice.total, currency: 'USD', method_type: 'card',
      method_label: 'Visa •••• 3184', payment_method_id: card.id, idempotency_key: key, created_by_kind: 'system', received_at: now, created_at: now, updated_at: now,
    });
    await tx.insert('allocations', { payment_id: paymentId, invoice_id: invoice.id, amount: invoice.total, currency: 'USD', rule: 'metadata', confidence: 1, state: 'pending', created_by_kind: 'system', created_at: now });
    await tx.insert('charge_attempts', {
      id: attemptId, invoice_id: invoice.id, client_id: p.client.id, attempt_no: 1, scheduled_for: now, idempotency_key: key, payment_id: paymentId,
      payment_method_id: card.id, amount: invoice.total, currency: 'USD', status: 'in_flight', trigger: 'autopay', created_at: now, updated_at: now,
    });
  });
  let intentId: string;
  try {
    intentId = (await p.stripe.paymentIntents.create(
      { amount: invoice.total, currency: 'usd', customer: p.customer.id, payment_method: card.stripeId, allowed_payment_method_types: ['card'], off_session: true, confirm: true, metadata: { settle_payment_id: paymentId, settle_invoice_id: invoice.id } },
      { idempotencyKey: key },
    )).id;
  } catch (err) {
    const failed = (err as Stripe.errors.StripeError).raw as { payment_intent?: { id: string } };
    if (!failed.payment_intent) throw err;
    intentId = failed.payment_intent.id;
  }
  await p.inst.scope.from('payments').where({ id: paymentId }).update({ stripe_payment_intent_id: intentId });
  await syncPaymentIntent({ scope: p.inst.scope, stripe: p.stripe, clock: ctx.clock, logger: ctx.logger, publicUrl: ctx.config.publicUrl, paymentIntentId: intentId });
  await p.inst.scope.from('charge_attempts').where({ id: attemptId }).update({ status: 'failed', failure_code: 'authentication_required', decline_code: 'authentication_required', next_retry_at: null, updated_at: ctx.clock.now() });
  return { paymentId, attemptId, intentId };
}
