// A token bucket per Stripe account, per process: never more than `ratePerSecond` requests a second
// on average, bursts up to one second's worth. Waiters are served in order.
export interface TokenBucket {
  take(count?: number): Promise<void>;
}

class Bucket implements TokenBucket {
  private tokens: number;
  private last = performance.now();
  private queue: Promise<void> = Promise.resolve();

  constructor(private rate: number) {
    this.tokens = rate;
  }

  setRate(rate: number): void {
    this.rate = rate;
  }

  take(count = 1): Promise<void> {
    const turn = this.queue.then(async () => {
      for (;;) {
        const now = performance.now();
        this.tokens = Math.min(this.rate, this.tokens + ((now - this.last) / 1000) * this.rate);
        this.last = now;
        if (this.tokens >= count) {
          this.tokens -= count;
          return;
        }
        await new Promise((r) => setTimeout(r, Math.ceil(((count - this.tokens) / this.rate) * 1000)));
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
