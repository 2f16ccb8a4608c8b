import type Stripe from 'stripe';
import { pauseAutopayForMethod } from '../notifications/pause-autopay-for-method';
import { claimSyncWrite, takeSyncTicket } from '../stripe/sync-ticket';
import { idOf, type StripeSyncOptions, type SyncOutcome } from '../stripe/stripe-sync-options';

export interface SyncMandateOptions extends StripeSyncOptions {
  mandateId: string;
}

export type MandateStatus = 'active' | 'inactive' | 'pending';

export function mapMandateStatus(mandate: Pick<Stripe.Mandate, 'status'>): MandateStatus {
  const status = mandate.status as MandateStatus;
  switch (status) {
    case 'active':
    case 'inactive':
    case 'pending':
      return status;
    default: {
      const unknown: never = status;
      throw new Error(`unknown Mandate status ${JSON.stringify(unknown)}`);
    }
  }
}

/**
 * Records a mandate's status on the payment method it authorizes (payment_methods.mandate_status).
 * An `inactive` mandate (revoked by the customer, or voided by an ACH dispute) pauses autopay of the
 * client whose autopay method it is (pauseAutopayForMethod, same transaction). Idempotent and
 * order-independent (sync tickets; inactive is final in Stripe and here). Never turns autopay off,
 * never detaches the method, never touches methods Settle does not know.
 */
export async function syncMandate(options: SyncMandateOptions): Promise<{ outcome: SyncOutcome }> {
  const { scope, stripe, clock, mandateId } = options;
  const ticket = await takeSyncTicket(scope.db);
  const mandate = await stripe.mandates.retrieve(mandateId);
  const pmId = idOf(mandate.payment_method);
  const row = (await scope
    .from('payment_methods')
    .where((q) => {
      q.where({ mandate_id: mandateId });
      if (pmId) q.orWhere({ stripe_payment_method_id: pmId });
    })
    .first('id')) as { id: string } | undefined;
  if (!row) return { outcome: 'not_ours' };
  const status = mapMandateStatus(mandate);
  const now = clock.now();
  return scope.transaction(async (tx) => {
    if (!(await claimSyncWrite(tx, mandateId, ticket, now))) return { outcome: 'stale' as const };
    const updated = await tx
      .from('payment_methods')
      .where({ id: row.id })
      .where((q) => q.whereNull('mandate_status').orWhereNot('mandate_status', 'inactive'))
      .where((q) => q.whereRaw('mandate_status is distinct from ?', [status]).orWhereRaw('mandate_id is distinct from ?', [mandateId]))
      .update({ mandate_id: mandateId, mandate_status: status, mandate_status_changed_at: now, updated_at: now });
    if (updated && status === 'inactive') {
      options.logger.info({ paymentMethodRowId: row.id, mandateId }, 'mandate inactive: autopay on this method pauses');
      await pauseAutopayForMethod(tx, row.id, { publicUrl: options.publicUrl }, clock);
    }
    return { outcome: updated ? ('updated' as const) : ('unchanged' as const) };
  });
}
