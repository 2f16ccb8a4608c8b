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
  return true;
}
