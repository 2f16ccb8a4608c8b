import Stripe from 'stripe';
import { createStripeEmulator, type StripeEmulator } from '../create-stripe-emulator.js';
import type { StripeEmulatorOptions } from '../options.js';
import { randomAlphanumeric } from '../core/ids.js';

export interface TestEmulator {
  emulator: StripeEmulator;
  /** A fresh SDK client on its own account (unique key), `maxNetworkRetries: 0`. */
  client(options?: { key?: string; retries?: number; stripeAccount?: string }): Stripe;
}

export async function startTestEmulator(options: StripeEmulatorOptions = {}): Promise<TestEmulator> {
  const emulator = await createStripeEmulator({ bankSettlementDelayMs: 50, ...options });
  return {
    emulator,
    client(o = {}) {
      return new Stripe(o.key ?? `sk_test_${randomAlphanumeric(20)}`, {
        host: '127.0.0.1',
        port: emulator.port,
        protocol: 'http',
        maxNetworkRetries: o.retries ?? 0,
        ...(o.stripeAccount ? { stripeAccount: o.stripeAccount } : {}),
      });
    },
  };
}

export async function waitFor<T>(fn: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 5000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = await fn();
    if (done(v)) return v;
    if (Date.now() - start > timeoutMs) throw new Error(`waitFor timed out; last value ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
