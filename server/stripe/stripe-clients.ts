// Stripe SDK clients per installation. The server never knows whether it talks to Stripe or to the
// built-in emulator: that is decided once at boot by `endpoint` (null = api.stripe.com). Credentials
// come from the installation's active stripe_connections row, decrypted only here.
import Stripe from 'stripe';
import type { SecretBox } from '../crypto/secret-box';
import type { DbOrTrx } from '../db/database';
import { AppError } from '../http/app-error';

export interface StripeEndpoint {
  host: string;
  port: number;
  protocol: 'http' | 'https';
}

export function endpointFromUrl(url: string): StripeEndpoint {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port || (u.protocol === 'https:' ? 443 : 80)), protocol: u.protocol === 'https:' ? 'https' : 'http' };
}

export interface StripeConnectionRow {
  id: string;
  installation_id: string;
  mode: 'oauth' | 'restricted_key' | 'emulator';
  account_id: string;
  livemode: boolean;
  status: 'active' | 'error' | 'disconnected';
  secret_enc: string | null;
  publishable_key: string | null;
  webhook_endpoint_id: string | null;
  webhook_secret_enc: string | null;
}

export interface StripeClientsOptions {
  endpoint: StripeEndpoint | null;
  secrets: SecretBox;
  /** stripe-node retries connection errors, 409 and 5xx with backoff; 2 is its default. */
  maxNetworkRetries?: number;
  timeoutMs?: number;
}

export class StripeClients {
  private readonly cache = new Map<string, Stripe>();

  constructor(readonly options: StripeClientsOptions) {}

  /** A client for one secret key or OAuth access token (cached; the SDK client is stateless). */
  forSecret(secret: string): Stripe {
    let client = this.cache.get(secret);
    if (!client) {
      const { endpoint } = this.options;
      client = new Stripe(secret, {
        maxNetworkRetries: this.options.maxNetworkRetries ?? 2,
        timeout: this.options.timeoutMs ?? 20_000,
        appInfo: { name: 'Settle', url: 'https://github.com/settle-payments/settle' },
        ...(endpoint ? { host: endpoint.host, port: endpoint.port, protocol: endpoint.protocol } : {}),
      });
      if (this.cache.size > 1000) this.cache.clear();
      this.cache.set(secret, client);
    }
    return client;
  }

  /** The installation's active connection, or STRIPE_NOT_CONNECTED. */
  async connectionFor(db: DbOrTrx, installationId: string): Promise<StripeConnectionRow> {
    const row = (await db('stripe_connections')
      .where({ installation_id: installationId })
      .whereNot('status', 'disconnected')
      .first()) as StripeConnectionRow | undefined;
    if (!row || !row.secret_enc) throw new AppError('STRIPE_NOT_CONNECTED');
    return row;
  }

  /** The SDK client for an installation's connected Stripe account. */
  async forInstallation(db: DbOrTrx, installationId: string): Promise<{ stripe: Stripe; connection: StripeConnectionRow }> {
    const connection = await this.connectionFor(db, installationId);
    const secret = this.options.secrets.open(connection.secret_enc!, connection.id);
    return { stripe: this.forSecret(secret), connection };
  }

  /** The webhook signing secret of an installation's endpoint, or null when none was created. */
  webhookSecret(connection: StripeConnectionRow): string | null {
    return connection.webhook_secret_enc ? this.options.secrets.open(connection.webhook_secret_enc, connection.id) : null;
  }
}
