// A token bucket per Stripe account, per process: never more than `ratePerSecond` requests a second
// on average, bursts of at most 5 % of a second's worth (so no one-second window ever
// holds more than the limit). Waiters are served in order. Every Stripe
// request autopay sends takes one token (`limitedStripeCall`), including retries.
//
// Stripe's limit is per account, and other processes (or other parts of Settle) may spend from the
// same budget, so a 429 still happens now and then: the bucket then halves its rate for a second
// (and throws away what it had saved up), and the call is retried through the bucket after a short
// jittered backoff — the caller's attempt is never lost, only delayed.
import Stripe from 'stripe';

export interface TokenBucket {
  take(count?: number): Promise<void>;
  /** A 429 was seen: slow down for a moment. */
  backOff(): void;
  /** 429s seen through this bucket since it was made. */
  readonly rateLimited: number;
}

const BACK_OFF_MS = 1000;

class Bucket implements TokenBucket {
  private tokens: number;
  private last = performance.now();
  private queue: Promise<void> = Promise.resolve();
  private slowUntil = 0;
  rateLimited = 0;

  constructor(private rate: number) {
    this.tokens = this.burst();
  }

  setRate(rate: number): void {
    this.rate = rate;
  }

  private burst(): number {
    return Math.max(1, this.rate / 20);
  }

  private currentRate(now: number): number {
    return now < this.slowUntil ? this.rate / 2 : this.rate;
  }

  backOff(): void {
    this.rateLimited++;
    this.slowUntil = performance.now() + BACK_OFF_MS;
    this.tokens = Math.min(this.tokens, 0);
  }

  take(count = 1): Promise<void> {
    const turn = this.queue.then(async () => {
      for (;;) {
        const now = performance.now();
        const rate = this.currentRate(now);
        this.tokens = Math.min(this.burst(), this.tokens + ((now - this.last) / 1000) * rate);
        this.last = now;
        if (this.tokens >= count) {
          this.tokens -= count;
          return;
        }
        await new Promise((r) => setTimeout(r, Math.max(1, Math.ceil(((count - this.tokens) / rate) * 1000))));
      }
    });
    this.queue = turn;
    return turn;
  }
}

const buckets = new Map<string, Bucket>();

export function tokenBucketFor(accountId: string, ratePerSecond: number): TokenBucket {
  let bucket = buckets.get(accountId);
  if (!bucket) {
    bucket = new Bucket(ratePerSecond);
    buckets.set(accountId, bucket);
  } else {
    bucket.setRate(ratePerSecond);
  }
  return bucket;
}

/** Stripe's documented limits; autopay aims at 95 % of them (other Settle traffic shares the budget). */
export const STRIPE_RATE_LIMITS = { live: 100, test: 25 } as const;
export const RATE_HEADROOM = 0.95;

/**
 * The requests per second autopay sends for an account: `SETTLE_STRIPE_RATE_LIMIT` (the account's
 * limit, when Stripe raised it) or Stripe's default for the mode, times the headroom.
 */
export function autopayRate(livemode: boolean, env: NodeJS.ProcessEnv = process.env): number {
  const configured = Number(env.SETTLE_STRIPE_RATE_LIMIT);
  const limit = Number.isFinite(configured) && configured > 0 ? configured : livemode ? STRIPE_RATE_LIMITS.live : STRIPE_RATE_LIMITS.test;
  return limit * RATE_HEADROOM;
}

const is429 = (err: unknown): boolean => err instanceof Stripe.errors.StripeError && (err.statusCode === 429 || err.type === 'StripeRateLimitError');

/**
 * One Stripe request through the bucket. `fn` must send exactly one request with the SDK's own
 * retries off (`maxNetworkRetries: 0`) and be safe to send again (an idempotency key, or a read).
 * A 429 backs the bucket off and retries after a jittered wait, up to `max429` times; any other error
 * is the caller's.
 */
export async function limitedStripeCall<T>(bucket: TokenBucket | null, fn: () => Promise<T>, max429 = 20): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    if (bucket) await bucket.take(1);
    try {
      return await fn();
    } catch (err) {
      if (!is429(err) || attempt >= max429) throw err;
      bucket?.backOff();
      const wait = Math.min(2000, 100 * 2 ** Math.min(attempt, 4)) * (0.5 + Math.random());
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}
