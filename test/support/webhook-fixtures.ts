// Helpers for webhook tests: an installation connected to the Stripe emulator (sealed key, as the
// connect flow stores it), an SDK client on that account, and signed deliveries posted over HTTP.
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import Stripe from 'stripe';
import type { SecretBox } from '../../server/crypto/secret-box';
import type { StripeEmulator } from '../../stripe-emulator/index';
import { makeInstallation } from './factories';

export async function connectInstallationToEmulator(db: Knex, secrets: SecretBox, emulator: StripeEmulator) {
  const inst = await makeInstallation(db);
  const secretKey = `sk_test_${randomBytes(12).toString('hex')}`;
  const [row] = (await inst.scope
    .insert('stripe_connections', { mode: 'emulator', account_id: emulator.control.accountIdForKey(secretKey), livemode: false, publishable_key: emulator.control.accountKeys(secretKey).publishable_key })
    .returning('id')) as Array<{ id: string }>;
  await inst.scope.from('stripe_connections').where({ id: row!.id }).update({ secret_enc: secrets.seal(secretKey, row!.id) });
  const stripe = new Stripe(secretKey, { host: '127.0.0.1', port: emulator.port, protocol: 'http', maxNetworkRetries: 0 });
  return { ...inst, connectionId: row!.id, secretKey, stripe };
}

export async function webhookSecretOf(db: Knex, secrets: SecretBox, installationId: string): Promise<string> {
  const row = (await db('stripe_connections').where({ installation_id: installationId }).first('id', 'webhook_secret_enc')) as { id: string; webhook_secret_enc: string };
  return secrets.open(row.webhook_secret_enc, row.id);
}

export function signedHeader(payload: string, secret: string, timestampSeconds = Math.floor(Date.now() / 1000)): string {
  return Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp: timestampSeconds });
}

/** Posts one delivery as Stripe would. */
export async function postWebhook(baseUrl: string, installationId: string, payload: string, signature: string | null, contentType = 'application/json; charset=utf-8'): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { 'content-type': contentType };
  if (signature !== null) headers['stripe-signature'] = signature;
  const res = await fetch(`${baseUrl}/webhooks/stripe/${installationId}`, { method: 'POST', headers, body: payload });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** A minimal event of `type` about `object` (what Stripe would deliver), as a JSON string. */
export function eventPayload(type: string, object: { id: string; object: string } & Record<string, unknown>, id = `evt_${randomBytes(12).toString('hex')}`): string {
  return JSON.stringify({ id, object: 'event', api_version: Stripe.API_VERSION, created: Math.floor(Date.now() / 1000), livemode: false, pending_webhooks: 1, request: { id: null, idempotency_key: null }, type, data: { object } });
}
