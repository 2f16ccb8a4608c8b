import type Stripe from 'stripe';
import type { InstallationScope } from '../db/tenant-scope';
import { AppError } from '../http/app-error';
import type { AppContext } from '../http/context';
import { stripeCall } from './stripe-call';

export interface CustomerSearchHit {
  id: string;
  name: string | null;
  email: string | null;
  /** The client this customer is mapped to, if any (mapping it elsewhere would be refused). */
  mappedTo: { clientId: string; clientName: string } | null;
}

const LIMIT = 20;
const escapeQuery = (value: string) => value.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
const escapeLike = (value: string) => value.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Finds Stripe customers by name or email: Stripe's search (which can lag behind recent writes by
 * up to a minute) merged with the installation's cache from the last import. Read-only. When
 * Stripe does not answer, the cache's results come back with `stripeSearched: false`.
 */
export async function searchStripeCustomers(ctx: AppContext, scope: InstallationScope, query: string): Promise<{ customers: CustomerSearchHit[]; stripeSearched: boolean }> {
  const q = query.trim();
  const { stripe } = await ctx.stripe.forInstallation(scope.db, scope.installationId);
  const e = escapeQuery(q);
  const stripeQuery = /^cus_[A-Za-z0-9]+$/.test(q) ? null : q.includes('@') ? `email:'${e}'` : q.length >= 3 ? `name~'${e}' OR email~'${e}'` : `name:'${e}'`;

  let fromStripe: Stripe.Customer[] = [];
  let stripeSearched = true;
  try {
    if (stripeQuery) fromStripe = (await stripeCall(() => stripe.customers.search({ query: stripeQuery, limit: LIMIT }))).data;
    else {
      const c = await stripeCall(() => stripe.customers.retrieve(q)).catch((err: unknown) => {
        if (err instanceof AppError) throw err;
        return null;
      });
      if (c && !c.deleted) fromStripe = [c];
    }
  } catch (err) {
    if (!(err instanceof AppError) || err.code !== 'MAPPING_STRIPE_UNAVAILABLE') throw err;
    stripeSearched = false;
  }

  const like = `%${escapeLike(q.toLowerCase())}%`;
  const cached = (await scope
    .from('stripe_customer_cache')
    .where('deleted', false)
    .andWhere((w) => w.whereRaw('lower(name) like ?', [like]).orWhereRaw('lower(email) like ?', [like]).orWhere('customer_id', q))
    .orderByRaw('lower(name) asc nulls last, customer_id asc')
    .limit(LIMIT)
    .select('customer_id', 'name', 'email')) as Array<{ customer_id: string; name: string | null; email: string | null }>;

  const hits = new Map<string, Omit<CustomerSearchHit, 'mappedTo'>>();
  for (const c of fromStripe) hits.set(c.id, { id: c.id, name: c.name ?? null, email: c.email ?? null });
  for (const c of cached) if (!hits.has(c.customer_id)) hits.set(c.customer_id, { id: c.customer_id, name: c.name, email: c.email });
  const list = [...hits.values()].slice(0, LIMIT);
  const mapped = (await scope
    .from('clients')
    .whereIn('stripe_customer_id', list.map((h) => h.id))
    .select('id', 'name', 'stripe_customer_id')) as Array<{ id: string; name: string; stripe_customer_id: string }>;
  const owner = new Map(mapped.map((m) => [m.stripe_customer_id, { clientId: m.id, clientName: m.name }]));
  return { customers: list.map((h) => ({ ...h, mappedTo: owner.get(h.id) ?? null })), stripeSearched };
}
