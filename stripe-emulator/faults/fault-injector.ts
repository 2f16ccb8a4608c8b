import { StripeError } from '../core/stripe-error.js';
import { DEFAULT_FAULTS, type FaultConfig } from './fault-config.js';

/** Token bucket per account: `rateLimitPerSecond` tokens, refilled continuously. */
interface Bucket {
  tokens: number;
  updatedMs: number;
}

export class FaultInjector {
  config: FaultConfig;
  private buckets = new Map<string, Bucket>();

  constructor(initial: Partial<FaultConfig> = {}) {
    this.config = { ...DEFAULT_FAULTS, ...initial };
  }

  update(partial: Partial<FaultConfig>): FaultConfig {
    this.config = { ...this.config, ...partial };
    this.buckets.clear();
    return this.config;
  }

  reset(): void {
    this.config = { ...DEFAULT_FAULTS };
    this.buckets.clear();
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
    const bucket = this.buckets.get(accountId) ?? { tokens: limit, updatedMs: now };
    bucket.tokens = Math.min(limit, bucket.tokens + ((now - bucket.updatedMs) / 1000) * limit);
    bucket.updatedMs = now;
    this.buckets.set(accountId, bucket);
    if (bucket.tokens < 1) {
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
    bucket.tokens -= 1;
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
