import { pauseAutopayForMethod } from '../notifications/pause-autopay-for-method';
import { claimSyncWrite, takeSyncTicket } from '../stripe/sync-ticket';
import { changedColumns, type StripeSyncOptions, type SyncOutcome } from '../stripe/stripe-sync-options';
import { paymentMethodDisplay } from './payment-method-display';

export interface SyncPaymentMethodOptions extends StripeSyncOptions {
  paymentMethodId: string;
}

/**
 * Makes a payment_methods row match its Stripe PaymentMethod: display fields (brand, last4, expiry,
 * bank name, account holder and type — card updaters change these) and `detached` once the method
 * belongs to no customer. Idempotent and order-independent (sync tickets); detached is final (Stripe
 * cannot re-attach a detached method). Never touches methods Settle does not know, never attaches or
 * detaches anything in Stripe, never changes the verification status of an attached method (that is
 * the SetupIntent's); autopay on a method that became detached is paused, never turned off or moved.
 */
export async function syncPaymentMethod(options: SyncPaymentMethodOptions): Promise<{ outcome: SyncOutcome }> {
  const { scope, stripe, clock, paymentMethodId } = options;
  const known = (await scope.from('payment_methods').where({ stripe_payment_method_id: paymentMethodId }).first('id')) as { id: string } | undefined;
  if (!known) return { outcome: 'not_ours' };
  const ticket = await takeSyncTicket(scope.db);
  const pm = await stripe.paymentMethods.retrieve(paymentMethodId);
  const now = clock.now();
  return scope.transaction(async (tx) => {
    if (!(await claimSyncWrite(tx, paymentMethodId, ticket, now))) return { outcome: 'stale' as const };
    const current = (await tx.from('payment_methods').where({ id: known.id }).forUpdate().first()) as Record<string, unknown>;
    if (current.status === 'detached') return { outcome: 'unchanged' as const };
    const next = { ...paymentMethodDisplay(pm), ...(pm.customer ? {} : { status: 'detached', is_default: false }) };
    const changes = changedColumns(current, next);
    if (Object.keys(changes).length === 0) return { outcome: 'unchanged' as const };
    await tx.from('payment_methods').where({ id: known.id }).update({ ...changes, updated_at: now });
    // Detached in Stripe: it can never be charged again; autopay on it pauses (no-op for other methods).
    if (changes.status === 'detached') await pauseAutopayForMethod(tx, known.id, { publicUrl: options.publicUrl }, clock);
    return { outcome: 'updated' as const };
  });
}
