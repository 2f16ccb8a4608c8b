import type Stripe from 'stripe';
import type { Emulator } from '../../core/emulator.js';

/**
 * `next_action` for a card that needs 3-D Secure. With a `return_url` (server-side confirmation
 * without `use_stripe_sdk`) the customer is sent to the emulator's authentication page and back;
 * otherwise Stripe.js (or the stand-in) opens the page from `use_stripe_sdk.stripe_js` in a frame.
 */
export function threeDSecureNextAction(em: Emulator, intent: { id: string }, returnUrl: string | null): Stripe.PaymentIntent.NextAction & Stripe.SetupIntent.NextAction {
  const page = `${em.baseUrl}/_emulator/3ds/${intent.id}`;
  if (returnUrl) return { type: 'redirect_to_url', redirect_to_url: { url: page, return_url: returnUrl } };
  return { type: 'use_stripe_sdk', use_stripe_sdk: { type: 'three_d_secure_redirect', stripe_js: `${page}?mode=sdk` } };
}
