import { StripeError } from '../core/stripe-error.js';
import { DEFAULT_FAULTS, type FaultConfig } from './fault-config.js';

/**
 * Sliding one-second window per account: the times of the requests admitted in the last second.
 * (A token bucket that starts full and refills continuously admits up to twice the limit in the
 * first second of a burst; the window never admits more than `rateLimitPerSecond` in any second.)
 */
interface Window {
  admitted: number[];
  /** Index of the oldest admitted time still inside the window. */
  head: number;
}

export class FaultInjector {
  config: FaultConfig;
  private windows = new Map<string, Window>();

  constructor(initial: Partial<FaultConfig> = {}) {
    this.config = { ...DEFAULT_FAULTS, ...initial };
  }

  update(partial: Partial<FaultConfig>): FaultConfig {
    this.config = { ...this.config, ...partial };
    this.windows.clear();
    return this.config;
  }

  reset(): void {
    this.config = { ...DEFAULT_FAULTS };
    this.windows.clear();
  }

  get active(): boolean {
    const c = this.config;
    return c.latencyMs > 0 || c.jitterMs > 0 || c.rateLimitPerSecond > 0 || c.errorRate > 0 || c.dropRate > 0;
  }

  latency(): number {
    const { latencyMs, jitterMs } = this.config;
    return latencyMs + (jitterMs > 0 ? Math.random() * jitterMs : 0);
  }

  /** Throws Stripe's 429 when the account is over its per-second budget (real time, not emulator time). */
  checkRateLimit(accountId: string): void {
    const limit = this.config.rateLimitPerSecond;
    if (limit <= 0) return;
    const now = Date.now();
    let window = this.windows.get(accountId);
    if (!window) {
      window = { admitted: [], head: 0 };
      this.windows.set(accountId, window);
    }
    while (window.head < window.admitted.length && (window.admitted[window.head] ?? 0) <= now - 1000) window.head++;
    if (window.head > 1024) {
      window.admitted = window.admitted.slice(window.head);
      window.head = 0;
    }
    if (window.admitted.length - window.head >= limit) {
      throw new StripeError(
        429,
        {
          type: 'invalid_request_error',
          code: 'rate_limit',
          message: 'Request rate limit exceeded. You can learn more about rate limits here https://stripe.com/docs/rate-limits.',
        },
        { replayable: false, headers: { 'Stripe-Should-Retry': 'true' } },
      );
    }
    window.admitted.push(now);
  }

  shouldDrop(): boolean {
    return this.config.dropRate > 0 && Math.random() < this.config.dropRate;
  }

  /** An injected API error; replayable, like a real 500 saved under an idempotency key. */
  maybeServerError(): void {
    if (this.config.errorRate > 0 && Math.random() < this.config.errorRate) {
      throw new StripeError(500, { type: 'api_error', message: 'An unknown error occurred' });
    }
  }
}
