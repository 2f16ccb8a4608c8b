import Stripe from 'stripe';
import { AppError } from '../http/app-error';
import type { AppContext } from '../http/context';
import { isHandledEventType } from './handled-event-types';
import { forgetWebhookSecret, resolveWebhookSecret } from './resolve-webhook-secret';
import { storeStripeEvent } from './store-stripe-events';

/** Stripe's default: a signature older than five minutes is refused (replay protection). */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface ReceiveStripeEventInput {
  installationId: string;
  payload: Buffer;
  signature: string | undefined;
}

export interface ReceivedStripeEvent {
  eventId: string;
  type: string;
  /** False when the event was already stored (a duplicate delivery). */
  stored: boolean;
  /** pending: a worker will process it; ignored: a type Settle does not handle. */
  status: 'pending' | 'ignored';
}

function verify(payload: Buffer, signature: string, secret: string, nowMs: number): Stripe.Event | null {
  try {
    return Stripe.webhooks.constructEvent(payload, signature, secret, SIGNATURE_TOLERANCE_SECONDS, undefined, nowMs);
  } catch (err) {
    if (err instanceof Stripe.errors.StripeSignatureVerificationError) return null;
    throw new AppError('WEBHOOK_PAYLOAD_INVALID', { cause: err });
  }
}

/**
 * Verifies a Stripe webhook delivery against the installation's endpoint secret and stores the event
 * in the ledger (stripe_events) before the caller acknowledges it. Idempotent: a duplicate delivery
 * of an event id stores nothing new (ON CONFLICT DO NOTHING). Never stores anything that is not
 * signed with the installation's secret within the tolerance; an unknown installation, one without
 * a secret, a wrong or stale signature all answer WEBHOOK_SIGNATURE_INVALID alike (no hint about
 * which installations exist). Never processes the event: workers do (processStripeEvents).
 */
export async function receiveStripeEvent(ctx: AppContext, input: ReceiveStripeEventInput): Promise<ReceivedStripeEvent> {
  const { installationId, payload, signature } = input;
  if (!signature || !UUID.test(installationId)) throw new AppError('WEBHOOK_SIGNATURE_INVALID');
  const nowMs = ctx.clock.now().getTime();
  let secret = await resolveWebhookSecret(ctx, installationId);
  if (!secret) throw new AppError('WEBHOOK_SIGNATURE_INVALID');
  let event = verify(payload, signature, secret, nowMs);
  if (!event) {
    // The endpoint may have been recreated (new secret) by another process since we cached it.
    forgetWebhookSecret(ctx, installationId);
    secret = await resolveWebhookSecret(ctx, installationId, { fresh: true });
    event = secret ? verify(payload, signature, secret, nowMs) : null;
  }
  if (!event) throw new AppError('WEBHOOK_SIGNATURE_INVALID');
  if (typeof event.id !== 'string' || typeof event.type !== 'string' || typeof event.created !== 'number' || !event.data?.object) {
    throw new AppError('WEBHOOK_PAYLOAD_INVALID');
  }
  const handled = isHandledEventType(event.type);
  const status = handled ? 'pending' : 'ignored';
  const objectId = (event.data.object as { id?: unknown }).id;
  const now = new Date(nowMs);
  const stored = await storeStripeEvent(ctx, {
    installation_id: installationId,
    stripe_event_id: event.id,
    type: event.type,
    api_version: event.api_version ?? null,
    livemode: Boolean(event.livemode),
    payload: payload.toString('utf8'),
    status,
    stripe_created_at: new Date(event.created * 1000),
    received_at: now,
    object_id: typeof objectId === 'string' ? objectId : null,
    processed_at: handled ? null : now,
  });
  return { eventId: event.id, type: event.type, stored, status };
}
