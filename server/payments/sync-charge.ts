import type Stripe from 'stripe';
import { takeSyncTicket } from '../stripe/sync-ticket';
import { idOf, type StripeSyncOptions, type SyncOutcome } from '../stripe/stripe-sync-options';
import { syncPaymentIntent } from './sync-payment-intent';
import { findPaymentFor, recomputeAmountRefunded, settleRefundsInLedger, writeRefundRow } from './sync-refund';

export interface SyncChargeOptions extends StripeSyncOptions {
  chargeId: string;
}

/**
 * Converges everything a charge event can change: the payment (through syncPaymentIntent: a failed
 * charge's code and message live on the intent's last_payment_error) and every refund of the charge
 * (listed from Stripe, upserted), then payments.amount_refunded. Idempotent and order-independent.
 * Never touches charges of payments Settle did not create; never refunds or captures. Refunds
 * reach the ledger (reversals, reopened invoices) through settleRefundsInLedger.
 */
export async function syncCharge(options: SyncChargeOptions): Promise<{ outcome: SyncOutcome }> {
  const { scope, stripe, clock, chargeId } = options;
  const charge = await stripe.charges.retrieve(chargeId);
  const paymentIntentId = idOf(charge.payment_intent);
  const payment = await findPaymentFor(scope, { paymentIntentId, chargeId });
  if (!payment) return { outcome: 'not_ours' };
  let outcome: SyncOutcome = 'unchanged';
  if (paymentIntentId) outcome = (await syncPaymentIntent({ ...options, paymentIntentId })).outcome;

  const ticket = await takeSyncTicket(scope.db);
  const refunds: Stripe.Refund[] = [];
  for await (const refund of stripe.refunds.list({ charge: chargeId, limit: 100 })) refunds.push(refund);
  const now = clock.now();
  await scope.transaction(async (tx) => {
    const rowIds: Array<string | null> = [];
    for (const refund of refunds) {
      const written = await writeRefundRow(tx, payment.id, refund, ticket, now);
      if (written.outcome === 'updated') outcome = 'updated';
      rowIds.push(written.refundRowId);
    }
    await recomputeAmountRefunded(tx, payment, now);
    await settleRefundsInLedger(tx, payment.id, rowIds, clock);
  });
  return { outcome };
}
