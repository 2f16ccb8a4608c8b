// The shape of one event handler. A handler treats the event as a trigger: it takes the object's id
// from the payload, re-fetches the object from Stripe and converges Settle's rows through a shared
// sync…() function, so duplicates and any delivery order give the same final state.
import type Stripe from 'stripe';
import type { StripeSyncOptions, SyncOutcome } from '../../stripe/stripe-sync-options';
import type { HandledEventType } from '../handled-event-types';

export type StripeEventOf<T extends Stripe.Event.Type> = Extract<Stripe.Event, { type: T }>;

export interface WebhookHandlerInput<T extends HandledEventType> {
  event: StripeEventOf<T>;
  sync: StripeSyncOptions;
}

/**
 * `deferred`: stored in the ledger (stripe_events, status `deferred`) for a module that does not
 * exist yet; nothing was changed.
 */
export type WebhookHandlerOutcome = SyncOutcome | 'deferred';

export type WebhookHandler<T extends HandledEventType> = (input: WebhookHandlerInput<T>) => Promise<{ outcome: WebhookHandlerOutcome }>;

export type WebhookHandlerMap = { readonly [T in HandledEventType]: WebhookHandler<T> };
