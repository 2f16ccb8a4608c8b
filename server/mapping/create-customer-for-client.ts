import Stripe from 'stripe';
import type { InstallationScope } from '../db/tenant-scope';
import { AppError } from '../http/app-error';
import type { AppContext } from '../http/context';
import { applyMappingChange, assertCustomerFree, loadClientForMapping, toMappingView, type ChangeMeta, type ClientMappingView } from './apply-mapping-change';
import { cacheCustomer } from './cache-customer';
import { isMissingResource, stripeCall } from './stripe-call';

export interface CreateCustomerForClientOptions extends ChangeMeta {
  clientId: string;
  /** Tests: runs after Stripe created the customer and before Settle records it (a crash there). */
  afterStripeCreate?: (customer: Stripe.Customer) => Promise<void> | void;
}

export const customerIdempotencyKey = (clientId: string) => `settle:customer:${clientId}`;

const escapeQuery = (value: string) => value.replace(/\\/g, '\\\\').replace(/'/g, "\\'");

/** A live customer Settle already created for this client (metadata), from the cache or Stripe. */
async function findTaggedCustomer(scope: InstallationScope, stripe: Stripe, clientId: string): Promise<Stripe.Customer | null> {
  const cached = (await scope
    .from('stripe_customer_cache')
    .where('deleted', false)
    .whereRaw("metadata->>'settle_client_id' = ?", [clientId])
    .whereRaw("metadata->>'settle_installation_id' = ?", [scope.installationId])
    .orderBy('stripe_created', 'asc')
    .first('customer_id')) as { customer_id: string } | undefined;
  if (cached) {
    try {
      const c = await stripeCall(() => stripe.customers.retrieve(cached.customer_id));
      if (!c.deleted) return c;
    } catch (err) {
      if (!isMissingResource(err)) throw err;
    }
  }
  // Search can lag behind writes by up to a minute; the idempotency key covers that window.
  const found = await stripeCall(() =>
    stripe.customers.search({
      query: `metadata['settle_client_id']:'${escapeQuery(clientId)}' AND metadata['settle_installation_id']:'${escapeQuery(scope.installationId)}'`,
      limit: 10,
    }),
  );
  return [...found.data].sort((a, b) => a.created - b.created || a.id.localeCompare(b.id))[0] ?? null;
}

/**
 * Creates a Stripe customer for an unmapped (or ignored) client and maps it. Idempotent across
 * retries and crashes: the Stripe write carries the key `settle:customer:{clientId}`, and a customer
 * whose metadata already names this installation and client is reused instead of creating another.
 * Refuses a mapped client (MAPPING_CONFLICT: unmap it first).
 */
export async function createCustomerForClient(ctx: AppContext, scope: InstallationScope, options: CreateCustomerForClientOptions): Promise<ClientMappingView & { reused: boolean }> {
  const client = await loadClientForMapping(scope, options.clientId);
  if (client.mapping_status === 'mapped') throw new AppError('MAPPING_CONFLICT', { message: 'This client is already mapped to a Stripe customer. Unmap it first.' });
  const { stripe, connection } = await ctx.stripe.forInstallation(scope.db, scope.installationId);

  let customer = await findTaggedCustomer(scope, stripe, client.id);
  const reused = customer !== null;
  if (!customer) {
    const params: Stripe.CustomerCreateParams = {
      name: client.name,
      ...(client.email ? { email: client.email } : {}),
      metadata: { settle_installation_id: scope.installationId, settle_client_id: client.id, psa_client_ref: client.psa_ref },
    };
    try {
      customer = await stripeCall(() => stripe.customers.create(params, { idempotencyKey: customerIdempotencyKey(client.id) }));
    } catch (err) {
      // The key was used with other parameters (the client was renamed since a failed attempt):
      // that attempt's customer exists, so find it by metadata.
      if (!(err instanceof Stripe.errors.StripeIdempotencyError)) throw err;
      customer = await findTaggedCustomer(scope, stripe, client.id);
      if (!customer) throw new AppError('MAPPING_CONFLICT', { message: 'Stripe is still processing an earlier attempt. Try again in a minute.', cause: err });
    }
    await options.afterStripeCreate?.(customer);
  }
  await assertCustomerFree(scope, customer.id, client.id);
  const created = customer;
  const row = await scope.transaction(async (tx) => {
    await cacheCustomer(tx, created, ctx.clock.now());
    return applyMappingChange(
      tx,
      client,
      { status: 'mapped', customerId: created.id, source: 'created' },
      { ...options, action: 'mapping.customer_created', details: { reusedExisting: reused, customerName: created.name ?? null } },
      ctx.clock,
    );
  });
  return { ...toMappingView(row, connection.livemode), reused };
}
