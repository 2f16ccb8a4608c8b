import type Stripe from 'stripe';
import type { InstallationScope } from '../db/tenant-scope';
import { claimSyncWrite, takeSyncTicket, type SyncTicket } from '../stripe/sync-ticket';
import { changedColumns, idOf, type StripeSyncOptions, type SyncOutcome } from '../stripe/stripe-sync-options';
import { FINAL_PAYMENT_STATUSES, mapPaymentIntentStatus, type PaymentStatus } from './map-payment-intent-status';
import { paymentMethodDisplay, paymentMethodLabel } from '../payment-methods/payment-method-display';
import { runPaymentTransitionHooks, type PaymentTransition } from './payment-transition-hooks';

export interface SyncPaymentIntentOptions extends StripeSyncOptions {
  paymentIntentId: string;
}

export interface SyncPaymentIntentResult {
  outcome: SyncOutcome;
  paymentId?: string;
  transition?: PaymentTransition;
}

interface PaymentRow {
  id: string;
  client_id: string | null;
  status: PaymentStatus;
  failure_code: string | null;
  decline_code: string | null;
  failure_message: string | null;
  stripe_charge_id: string | null;
  stripe_payment_intent_id: string | null;
  succeeded_at: Date | null;
}

/** The payment columns a PaymentIntent determines (pure). */
export function paymentColumnsFromIntent(pi: Stripe.PaymentIntent): {
  status: PaymentStatus;
  failure_code: string | null;
  decline_code: string | null;
  failure_message: string | null;
  stripe_charge_id: string | null;
  method_type?: 'card' | 'us_bank_account';
  method_label?: string;
} {
  const status = mapPaymentIntentStatus(pi);
  // With the payment method expanded: what was actually used (a new card entered in the page, say).
  const pm = pi.payment_method && typeof pi.payment_method === 'object' ? pi.payment_method : null;
  const method = pm && (pm.type === 'card' || pm.type === 'us_bank_account') ? { method_type: pm.type as 'card' | 'us_bank_account', method_label: paymentMethodLabel({ ...paymentMethodDisplay(pm), type: pm.type }) } : {};
  // A canceled intent keeps the error of its last failed attempt (Settle cancels failed intents so
  // they can never succeed later; the reason must survive).
  const error = status === 'failed' || status === 'canceled' ? pi.last_payment_error : null;
  return {
    status,
    failure_code: error?.code ?? null,
    decline_code: error?.decline_code ?? null,
    failure_message: error?.message ?? null,
    stripe_charge_id: idOf(pi.latest_charge),
    ...method,
  };
}

/**
 * Makes Settle's payment row for a PaymentIntent match Stripe: re-fetches the intent and writes
 * status (mapped exhaustively, fail closed), failure code/decline code/message, the charge id and
 * succeeded_at. Serves webhooks, the return page and the drift sweep alike.
 *
 * Idempotent and order-independent: duplicates write nothing; a stale fetch never overwrites a newer
 * one (sync tickets); a succeeded or canceled payment never moves. Never touches a PaymentIntent
 * Settle did not create (no payments row: no Stripe call at all), never marks anything paid before
 * Stripe says `succeeded`, never changes invoices or allocations — status transitions are handed to
 * the payment transition hooks (the ledger's hook point).
 */
export async function syncPaymentIntent(options: SyncPaymentIntentOptions): Promise<SyncPaymentIntentResult> {
  const { scope, stripe, paymentIntentId } = options;
  const known = (await scope.from('payments').where({ stripe_payment_intent_id: paymentIntentId }).first('id')) as { id: string } | undefined;
  if (!known) return { outcome: 'not_ours' };
  const ticket = await takeSyncTicket(scope.db);
  const pi = await stripe.paymentIntents.retrieve(paymentIntentId, { expand: ['payment_method'] });
  return scope.transaction((tx) => writePaymentIntent(tx, { paymentId: known.id, intent: pi, ticket }, options));
}

/**
 * The same convergence from an intent already in hand (the answer of the create, confirm or cancel
 * call that produced it), without fetching it again: `ticket` must have been taken (takeSyncTicket)
 * before that call was sent, so the ordering rule holds — an answer is never older than its ticket.
 * Never use it with a replayed idempotent answer (`Idempotent-Replayed`): that is as old as the
 * first request. Runs inside the caller's transaction `tx` (so the caller can batch its own writes
 * with it); `paymentId` is the payments row that carries this intent's id.
 */
export async function writePaymentIntent(
  tx: InstallationScope,
  input: { paymentId: string; intent: Stripe.PaymentIntent; ticket: SyncTicket; recordIntentId?: boolean },
  options: Pick<StripeSyncOptions, 'clock' | 'logger' | 'publicUrl'>,
): Promise<SyncPaymentIntentResult> {
  const { intent: pi, ticket, paymentId } = input;
  const paymentIntentId = pi.id;
  const next = paymentColumnsFromIntent(pi);
  const now = options.clock.now();
  // recordIntentId: the payment learns its intent id in the same write (autopay's one update per answer).
  const idColumn = input.recordIntentId ? { stripe_payment_intent_id: paymentIntentId } : {};
  if (!(await claimSyncWrite(tx, paymentIntentId, ticket, now))) {
    if (input.recordIntentId) await tx.from('payments').where({ id: paymentId }).whereNull('stripe_payment_intent_id').update({ ...idColumn, updated_at: now });
    return { outcome: 'stale', paymentId };
  }
  const current = (await tx.from('payments').where({ id: paymentId }).forUpdate().first()) as PaymentRow;
  if (FINAL_PAYMENT_STATUSES.has(current.status) && next.status !== current.status) {
    options.logger.warn({ paymentId: current.id, from: current.status, to: next.status, paymentIntentId }, 'refusing to move a final payment status');
    if (input.recordIntentId && !current.stripe_payment_intent_id) await tx.from('payments').where({ id: paymentId }).update({ ...idColumn, updated_at: now });
    return { outcome: 'unchanged', paymentId: current.id };
  }
  const changes = changedColumns(current as unknown as Record<string, unknown>, {
    ...next,
    ...(input.recordIntentId && !current.stripe_payment_intent_id ? idColumn : {}),
    ...(next.status === 'succeeded' && !current.succeeded_at ? { succeeded_at: now } : {}),
  });
  if (Object.keys(changes).length === 0) return { outcome: 'unchanged', paymentId: current.id };
  await tx.from('payments').where({ id: current.id }).update({ ...changes, updated_at: now });
  if (next.status === current.status) return { outcome: 'updated', paymentId: current.id };
  const transition: PaymentTransition = {
    paymentId: current.id,
    clientId: current.client_id,
    stripePaymentIntentId: paymentIntentId,
    from: current.status,
    to: next.status,
    at: now,
  };
  await runPaymentTransitionHooks(tx, transition, { publicUrl: options.publicUrl, logger: options.logger });
  return { outcome: 'updated', paymentId: current.id, transition };
}
