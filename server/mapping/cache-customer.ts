import type Stripe from 'stripe';
import type { InstallationScope } from '../db/tenant-scope';

/** Stores a customer just read from or written to Stripe in the installation's cache. */
export async function cacheCustomer(scope: InstallationScope, customer: Stripe.Customer, now: Date): Promise<void> {
  await scope
    .insert('stripe_customer_cache', {
      customer_id: customer.id,
      name: customer.name ?? null,
      email: customer.email ?? null,
      metadata: JSON.stringify(customer.metadata ?? {}),
      deleted: false,
      stripe_created: customer.created,
      fetched_at: now,
    })
    .onConflict(['installation_id', 'customer_id'])
    .merge(['name', 'email', 'metadata', 'deleted', 'stripe_created', 'fetched_at']);
}
