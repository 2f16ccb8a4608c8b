import { InstallationScope } from '../db/tenant-scope';
import type { AppContext } from '../http/context';
import { REQUIRED_PERMISSIONS } from '../stripe/required-permissions';
import { saveConnection } from '../stripe/save-connection';
import { ensureWebhookEndpoint } from '../webhooks/ensure-webhook-endpoint';

export const DEMO_STRIPE_KEY = 'sk_test_northwind_demo';

/**
 * Demo mode with the built-in emulator: connects the demo installation to its own emulator account
 * (test mode) and creates Settle's webhook endpoint there, so the demo works end to end offline.
 * Idempotent: does nothing once a connection exists. Never used with real Stripe.
 */
export async function connectDemoStripe(ctx: AppContext, emulatorUrl: string): Promise<boolean> {
  const inst = (await ctx.db('installations').where({ psa_tenant_ref: 'demo-northwind', status: 'active' }).first('id')) as { id: string } | undefined;
  if (!inst) return false;
  const existing = await ctx.db('stripe_connections').where({ installation_id: inst.id }).first('id');
  if (existing) return false;
  const res = await fetch(`${emulatorUrl}/_emulator/accounts/keys`, { headers: { authorization: `Bearer ${DEMO_STRIPE_KEY}` } });
  if (!res.ok) throw new Error(`the Stripe emulator did not return the demo account's keys (${res.status})`);
  const keys = (await res.json()) as { account: string; publishable_key: string };
  await saveConnection(
    ctx,
    new InstallationScope(ctx.db, inst.id),
    { mode: 'emulator', accountId: keys.account, livemode: false, secret: DEMO_STRIPE_KEY, publishableKey: keys.publishable_key, permissions: REQUIRED_PERMISSIONS.map((p) => p.id) },
    { type: 'system', id: null, label: 'demo setup' },
  );
  await ensureWebhookEndpoint(ctx, inst.id);
  await mapDemoClients(ctx, inst.id);
  return true;
}

/**
 * Gives the demo clients Stripe customers in the emulator so their contacts can pay in the portal —
 * all but the last one by name, which stays unmapped so the mapping page has something to show.
 * Idempotency keys from the client ids: a rerun after a crash creates no duplicates.
 */
async function mapDemoClients(ctx: AppContext, installationId: string): Promise<void> {
  const scope = new InstallationScope(ctx.db, installationId);
  const { stripe } = await ctx.stripe.forInstallation(ctx.db, installationId);
  const clients = (await scope.from('clients').where({ mapping_status: 'unmapped' }).orderBy('name').select('id', 'psa_ref', 'name', 'email')) as Array<{ id: string; psa_ref: string; name: string; email: string | null }>;
  for (const c of clients.slice(0, -1)) {
    const customer = await stripe.customers.create(
      { name: c.name, ...(c.email ? { email: c.email } : {}), metadata: { settle_installation_id: installationId, settle_client_id: c.id, psa_client_ref: c.psa_ref } },
      { idempotencyKey: `demo-customer:${c.id}` },
    );
    await scope.from('clients').where({ id: c.id }).update({ stripe_customer_id: customer.id, mapping_status: 'mapped', mapping_source: 'created' });
  }
}
