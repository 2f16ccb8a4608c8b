import { pauseAutopayForMethod } from '../notifications/pause-autopay-for-method';
import { claimSyncWrite, takeSyncTicket } from '../stripe/sync-ticket';
import { changedColumns, idOf, type StripeSyncOptions, type SyncOutcome } from '../stripe/stripe-sync-options';
import { mapSetupIntent, type PaymentMethodStatus } from './map-setup-intent-status';
import { paymentMethodDisplay } from './payment-method-display';

export interface SyncSetupIntentOptions extends StripeSyncOptions {
  setupIntentId: string;
}

/**
 * Makes the payment_methods row created for a SetupIntent match Stripe: verification status
 * (pending_verification / active / verification_failed / expired), micro-deposit type, arrival date
 * and hosted verification URL, the resulting PaymentMethod id, mandate id and display fields.
 * Serves webhooks, the portal's return page and the drift sweep.
 *
 * Idempotent and order-independent (sync tickets). Never touches a SetupIntent Settle did not
 * create (no row: no Stripe call), never revives a detached method, never makes a method active
 * before Stripe says `succeeded`, never changes the default method; autopay is only ever paused (when
 * the autopay method's verification fails), never turned off or moved.
 */
export async function syncSetupIntent(options: SyncSetupIntentOptions): Promise<{ outcome: SyncOutcome; paymentMethodRowId?: string }> {
  const { scope, stripe, clock, setupIntentId } = options;
  const known = (await scope.from('payment_methods').where({ setup_intent_id: setupIntentId }).first('id')) as { id: string } | undefined;
  if (!known) return { outcome: 'not_ours' };
  const ticket = await takeSyncTicket(scope.db);
  const si = await stripe.setupIntents.retrieve(setupIntentId);
  const state = mapSetupIntent(si);
  const pmId = idOf(si.payment_method);
  const pm = pmId ? await stripe.paymentMethods.retrieve(pmId) : null;
  const now = clock.now();

  return scope.transaction(async (tx) => {
    if (!(await claimSyncWrite(tx, setupIntentId, ticket, now))) return { outcome: 'stale' as const, paymentMethodRowId: known.id };
    const current = (await tx.from('payment_methods').where({ id: known.id }).forUpdate().first()) as Record<string, unknown> & { status: PaymentMethodStatus };
    if (current.status === 'detached') return { outcome: 'unchanged' as const, paymentMethodRowId: known.id };
    const next = {
      ...state,
      // An active method stays active: a succeeded SetupIntent is final in Stripe.
      status: current.status === 'active' ? 'active' : state.status,
      ...(pmId ? { stripe_payment_method_id: pmId } : {}),
      ...(pm ? paymentMethodDisplay(pm) : {}),
      ...(idOf(si.mandate) ? { mandate_id: idOf(si.mandate) } : {}),
    };
    const changes = changedColumns(current, next);
    if (Object.keys(changes).length === 0) return { outcome: 'unchanged' as const, paymentMethodRowId: known.id };
    await tx.from('payment_methods').where({ id: known.id }).update({ ...changes, updated_at: now });
    // A failed or expired verification of the autopay method pauses autopay (no-op for any other method).
    if (changes.status === 'verification_failed' || changes.status === 'expired') await pauseAutopayForMethod(tx, known.id, { publicUrl: options.publicUrl }, clock);
    return { outcome: 'updated' as const, paymentMethodRowId: known.id };
  });
}
