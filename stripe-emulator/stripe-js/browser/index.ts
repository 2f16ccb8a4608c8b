// The Stripe.js stand-in: a classic script that defines `window.Stripe` like
// https://js.stripe.com/endive/stripe.js, for pages running against the Stripe emulator.
import { createStripe } from './stripe-instance.js';

const script = document.currentScript as HTMLScriptElement | null;
const base = script?.src ? new URL(script.src).origin : window.location.origin;
const factory = Object.assign(createStripe(base), { version: 'endive', emulator: true });
(window as unknown as { Stripe: unknown }).Stripe = factory;
