import { recordAudit } from '../audit/record-audit';
import type { StripeSyncOptions, SyncOutcome } from '../stripe/stripe-sync-options';

export interface SyncCustomerOptions extends StripeSyncOptions {
  customerId: string;
}

/**
 * Follows a Stripe customer a client is mapped to. Deleted in Stripe → the client is unmapped
 * (stripe_customer_id cleared, mapping_status `unmapped`) and the audit log says why; any other
 * change (customer.updated) changes nothing in Settle: the PSA owns the client's name and email.
 * Idempotent (a second call finds no mapped client). Never deletes or edits the client, its payment
 * methods, payments or autopay settings, never writes to Stripe.
 */
export async function syncCustomer(options: SyncCustomerOptions): Promise<{ outcome: SyncOutcome; clientId?: string }> {
  const { scope, stripe, clock, customerId } = options;
  const client = (await scope.from('clients').where({ stripe_customer_id: customerId }).first('id', 'name')) as { id: string; name: string } | undefined;
  if (!client) return { outcome: 'not_ours' };
  const customer = await stripe.customers.retrieve(customerId);
  if (!customer.deleted) return { outcome: 'unchanged', clientId: client.id };
  const now = clock.now();
  return scope.transaction(async (tx) => {
    const updated = await tx
      .from('clients')
      .where({ id: client.id, stripe_customer_id: customerId })
      .update({ stripe_customer_id: null, mapping_status: 'unmapped', mapping_source: null, updated_at: now });
    if (!updated) return { outcome: 'unchanged' as const, clientId: client.id };
    await recordAudit(
      tx,
      {
        actor: { type: 'system', id: null, label: 'stripe webhook' },
        action: 'client.unmapped',
        subjectType: 'client',
        subjectId: client.id,
        clientId: client.id,
        details: { reason: 'stripe_customer_deleted', stripeCustomerId: customerId },
      },
      clock,
    );
    options.logger.info({ clientId: client.id, customerId }, 'Stripe customer deleted: client unmapped');
    return { outcome: 'updated' as const, clientId: client.id };
  });
}
