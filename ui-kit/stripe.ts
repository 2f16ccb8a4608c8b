// Stripe.js for the pages. Always through `@stripe/stripe-js/pure` (importing the package root would
// inject js.stripe.com at import time). The server says where Stripe.js comes from: in emulator mode
// the page already has the emulator's stand-in (injected ahead of the bundle) or gets it from
// `jsUrl`; with real keys loadStripe fetches it from Stripe.
import type { Stripe } from '@stripe/stripe-js';
import { loadStripe } from '@stripe/stripe-js/pure';

export interface StripeConfig {
  publishableKey: string;
  stripeAccount: string | null;
  jsUrl: string | null;
  livemode: boolean;
  currency: string;
  methods: { card: boolean; usBankAccount: boolean; usBankAccountUnavailableReason: string | null };
  partialPayments: { allowed: boolean; minimum: number };
}

const loaded = new Map<string, Promise<Stripe | null>>();

function injectScript(src: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = src;
    script.onload = () => resolve();
    script.onerror = () => reject(new Error('Could not load Stripe.js'));
    document.head.appendChild(script);
  });
}

/** One Stripe instance per publishable key and account. */
export function getStripe(config: StripeConfig): Promise<Stripe | null> {
  const key = `${config.publishableKey}/${config.stripeAccount ?? ''}`;
  let promise = loaded.get(key);
  if (!promise) {
    const w = window as unknown as { Stripe?: unknown };
    const ready = config.jsUrl && !w.Stripe ? injectScript(config.jsUrl) : Promise.resolve();
    promise = ready.then(() => loadStripe(config.publishableKey, config.stripeAccount ? { stripeAccount: config.stripeAccount } : undefined));
    promise.catch(() => loaded.delete(key));
    loaded.set(key, promise);
  }
  return promise;
}
