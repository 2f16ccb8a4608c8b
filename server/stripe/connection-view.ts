import type { DbOrTrx } from '../db/database';
import { REQUIRED_PERMISSIONS } from './required-permissions';

export interface StripeConnectionView {
  connected: boolean;
  status: 'active' | 'error' | 'disconnected' | null;
  mode: 'oauth' | 'restricted_key' | 'emulator' | null;
  accountId: string | null;
  livemode: boolean | null;
  publishableKey: string | null;
  connectedAt: string | null;
  permissions: Array<{ id: string; label: string; why: string; granted: boolean }>;
  webhookEndpointId: string | null;
}

interface Row {
  status: StripeConnectionView['status'];
  mode: StripeConnectionView['mode'];
  account_id: string;
  livemode: boolean;
  publishable_key: string | null;
  connected_at: Date;
  permissions: string[] | null;
  webhook_endpoint_id: string | null;
}

/** What the UI may know about the connection: never a secret, token or signing secret. Read-only. */
export async function getConnectionView(db: DbOrTrx, installationId: string): Promise<StripeConnectionView> {
  const row = (await db('stripe_connections')
    .where({ installation_id: installationId })
    .whereNot('status', 'disconnected')
    .first('status', 'mode', 'account_id', 'livemode', 'publishable_key', 'connected_at', 'permissions', 'webhook_endpoint_id')) as Row | undefined;
  const granted = new Set(row?.permissions ?? []);
  return {
    connected: row?.status === 'active',
    status: row?.status ?? null,
    mode: row?.mode ?? null,
    accountId: row?.account_id ?? null,
    livemode: row?.livemode ?? null,
    publishableKey: row?.publishable_key ?? null,
    connectedAt: row?.connected_at.toISOString() ?? null,
    permissions: REQUIRED_PERMISSIONS.map((p) => ({ id: p.id, label: p.label, why: p.why, granted: row ? row.mode !== 'restricted_key' || granted.has(p.id) : false })),
    webhookEndpointId: row?.webhook_endpoint_id ?? null,
  };
}
