// After syncSetupIntent() made a row match Stripe, fill in what Stripe does not report but the
// portal shows: how many micro-deposit attempts are left, when the verification window closes, when
// the method was verified; and make the first verified method the default. Shared by refresh and
// verify (webhooks only run syncSetupIntent; the view falls back to estimates for those rows).
import type Stripe from 'stripe';
import type { Clock } from '../clock';
import type { ClientScope } from '../db/tenant-scope';
import type { AppContext } from '../http/context';
import { syncSetupIntent } from '../payment-methods/sync-setup-intent';
import { loadPaymentMethod } from './list-payment-methods';
import { VERIFICATION_ATTEMPTS, verificationExpiresAt, type PaymentMethodRow } from './payment-method-view';
import { installationScopeOfClient } from './portal-request';
import { callStripe } from './portal-stripe';

/** Re-syncs the row's SetupIntent from Stripe (its own transaction); Stripe failures → STRIPE_UNAVAILABLE. */
export async function syncMethodFromStripe(ctx: AppContext, scope: ClientScope, stripe: Stripe, row: PaymentMethodRow): Promise<void> {
  if (!row.setup_intent_id) return;
  const setupIntentId = row.setup_intent_id;
  await callStripe(() =>
    syncSetupIntent({ scope: installationScopeOfClient(scope), stripe, clock: ctx.clock, logger: ctx.logger, publicUrl: ctx.config.publicUrl, setupIntentId }),
  );
}

/**
 * Completes the bookkeeping of one row inside the caller's transaction (locks the client and the row).
 * Idempotent.
 * Returns the row after the update.
 */
export async function settleVerificationBookkeeping(tx: ClientScope, id: string, clock: Clock): Promise<PaymentMethodRow> {
  // Client row first, then the method (the order every portal write uses): one default per client
  // even when two methods are verified at once.
  await tx.from('clients').forUpdate().first('id');
  const row = await loadPaymentMethod(tx, id, { forUpdate: true });
  const now = clock.now();
  const changes: Record<string, unknown> = {};
  if (row.status === 'pending_verification' && row.microdeposit_type) {
    if (row.verification_expires_at === null) changes.verification_expires_at = verificationExpiresAt(row);
    if (row.verification_attempts_left === null) changes.verification_attempts_left = VERIFICATION_ATTEMPTS[row.microdeposit_type];
  }
  if (row.status === 'active' && row.verified_at === null) {
    changes.verified_at = now;
    changes.last_verification_error = null;
    const otherDefault = await tx.from('payment_methods').where({ is_default: true }).whereNot('status', 'detached').whereNot('id', id).first('id');
    if (!otherDefault) changes.is_default = true;
  }
  if (Object.keys(changes).length === 0) return row;
  await tx.from('payment_methods').where({ id }).update({ ...changes, updated_at: now });
  return { ...row, ...changes } as PaymentMethodRow;
}
