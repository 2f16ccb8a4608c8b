// Whether a client may pay online at all: Stripe connected for the installation, and the client
// mapped to a Stripe customer (ignored and unmapped clients get no online payment options).
import type { ClientScope } from '../db/tenant-scope';
import type { AppContext } from '../http/context';

export async function onlinePaymentsAvailable(ctx: AppContext, scope: ClientScope): Promise<boolean> {
  const client = (await scope.from('clients').first('mapping_status', 'stripe_customer_id')) as { mapping_status: string; stripe_customer_id: string | null } | undefined;
  if (!client || client.mapping_status !== 'mapped' || !client.stripe_customer_id) return false;
  const connection = await scope.db('stripe_connections').where({ installation_id: scope.installationId }).whereNot('status', 'disconnected').whereNotNull('secret_enc').first('id');
  return Boolean(connection);
}
