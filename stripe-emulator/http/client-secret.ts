import { StripeError } from '../core/stripe-error.js';
import type { RequestContext } from './router.js';

/**
 * Client-side access to an intent (Stripe.js): a publishable-key request must carry the intent's
 * `client_secret`. Secret-key requests may omit it; when given it must still match.
 */
export function checkClientSecret(ctx: RequestContext, intent: { id: string; object: string; client_secret: string | null }, given: string | undefined): void {
  if (given === undefined && !ctx.publishable) return;
  const kind = intent.object === 'setup_intent' ? 'SetupIntent' : 'PaymentIntent';
  if (given === undefined) {
    throw new StripeError(
      400,
      { type: 'invalid_request_error', code: 'parameter_missing', message: `Missing required param: client_secret. A publishable key can only access a ${kind} with its client_secret.`, param: 'client_secret' },
      { replayable: false },
    );
  }
  if (given !== intent.client_secret) {
    throw new StripeError(
      400,
      { type: 'invalid_request_error', code: 'resource_missing', message: `The client_secret provided does not match the client_secret associated with the ${kind}.`, param: 'client_secret' },
      { replayable: false },
    );
  }
}
