// Helpers for the client-mapping tests: a Stripe connection for an installation (sealed restricted
// key, as the connect flow stores it) and an SDK client on the same emulator account.
import type Stripe from 'stripe';
import type { AppContext } from '../../server/http/context';
import type { InstallationScope } from '../../server/db/tenant-scope';

let n = 0;

export async function connectStripe(ctx: AppContext, scope: InstallationScope, options: { livemode?: boolean } = {}): Promise<{ secret: string; stripe: Stripe }> {
  const secret = `rk_test_mapping_${Date.now().toString(36)}_${(n++).toString(36)}`;
  const [row] = (await scope.insert('stripe_connections', { mode: 'restricted_key', account_id: 'acct_pending', livemode: options.livemode ?? false }).returning('id')) as Array<{ id: string }>;
  await scope.from('stripe_connections').where({ id: row!.id }).update({ secret_enc: ctx.secrets.seal(secret, row!.id) });
  return { secret, stripe: ctx.stripe.forSecret(secret) };
}

/** Polls until `check` holds (real time; for background work such as the import job). */
export async function waitUntil<T>(read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out; last value: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Creates customers in parallel batches (the emulator lists them newest first). */
export async function createCustomers(stripe: Stripe, params: Stripe.CustomerCreateParams[]): Promise<Stripe.Customer[]> {
  const out: Stripe.Customer[] = [];
  for (let i = 0; i < params.length; i += 25) out.push(...(await Promise.all(params.slice(i, i + 25).map((p) => stripe.customers.create(p)))));
  return out;
}
