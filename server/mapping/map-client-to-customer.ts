import type Stripe from 'stripe';
import type { InstallationScope } from '../db/tenant-scope';
import { AppError } from '../http/app-error';
import type { AppContext } from '../http/context';
import { applyMappingChange, assertCustomerFree, loadClientForMapping, toMappingView, type ChangeMeta, type ClientMappingView } from './apply-mapping-change';
import { cacheCustomer } from './cache-customer';
import { isMissingResource, stripeCall } from './stripe-call';

export interface MapClientToCustomerOptions extends ChangeMeta {
  clientId: string;
  customerId: string;
}

/**
 * Maps a client to an existing Stripe customer chosen by an admin (also re-maps a mapped or
 * ignored client). Re-reads the customer from Stripe first: a deleted or unknown customer is
 * refused (MAPPING_CUSTOMER_NOT_FOUND), and so is one mapped to another client
 * (MAPPING_CUSTOMER_TAKEN). Idempotent: mapping to the current customer changes nothing.
 * Never writes to Stripe.
 */
export async function mapClientToCustomer(ctx: AppContext, scope: InstallationScope, options: MapClientToCustomerOptions): Promise<ClientMappingView> {
  const client = await loadClientForMapping(scope, options.clientId);
  const { stripe, connection } = await ctx.stripe.forInstallation(scope.db, scope.installationId);
  if (client.mapping_status === 'mapped' && client.stripe_customer_id === options.customerId) return toMappingView(client, connection.livemode);
  await assertCustomerFree(scope, options.customerId, client.id);

  let customer: Stripe.Customer | Stripe.DeletedCustomer;
  try {
    customer = await stripeCall(() => stripe.customers.retrieve(options.customerId));
  } catch (err) {
    if (isMissingResource(err)) throw new AppError('MAPPING_CUSTOMER_NOT_FOUND', { cause: err });
    throw err;
  }
  if (customer.deleted) throw new AppError('MAPPING_CUSTOMER_NOT_FOUND');
  const live = customer;

  const row = await scope.transaction(async (tx) => {
    await cacheCustomer(tx, live, ctx.clock.now());
    return applyMappingChange(tx, client, { status: 'mapped', customerId: live.id, source: 'manual' }, { ...options, action: 'mapping.mapped', details: { customerName: live.name ?? null, customerEmail: live.email ?? null } }, ctx.clock);
  });
  return toMappingView(row, connection.livemode);
}
