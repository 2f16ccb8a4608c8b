// Gathers requests that arrive close together and serves them with one call (one transaction) for
// the lot: an autopay run records many attempts, and writes many Stripe answers, a few milliseconds
// apart, and a transaction per charge is most of the database's work. A request waits at most
// `waitMs` for company (or none, when a batch is full or a lane is free and requests are already
// queued behind a running batch). When the batch call fails, every request in it is served again on
// its own (`one`), so one bad request can never cost the others their write: each then succeeds or
// fails by itself, as it would have without batching.
export interface CoalescerOptions {
  /** Requests served by one batch call, at most. */
  maxBatch: number;
  /** How long the first request of a batch waits for others. */
  waitMs: number;
  /** Batch calls running at once (each holds a database connection). */
  lanes: number;
}

interface Pending<I, O> {
  item: I;
  resolve: (out: O) => void;
  reject: (err: unknown) => void;
}

export class Coalescer<I, O> {
  private readonly queue: Array<Pending<I, O>> = [];
  private running = 0;
  private timer: NodeJS.Timeout | null = null;
  /** Batch calls that failed and were served one by one (for tests and logs). */
  fellBack = 0;

  constructor(
    private readonly many: (items: I[]) => Promise<O[]>,
    private readonly one: (item: I) => Promise<O>,
    private readonly options: CoalescerOptions,
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.queue.length >= this.options.maxBatch) this.startLane();
      else if (!this.timer && this.running < this.options.lanes) this.timer = setTimeout(() => this.startLane(), this.options.waitMs);
    });
  }

  private startLane(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.running >= this.options.lanes || this.queue.length === 0) return;
    this.running++;
    void this.lane();
  }

  private async lane(): Promise<void> {
    try {
      while (this.queue.length > 0) await this.serve(this.queue.splice(0, this.options.maxBatch));
    } finally {
      this.running--;
    }
  }

  private async serve(batch: Array<Pending<I, O>>): Promise<void> {
    if (batch.length === 1) {
      const [p] = batch;
      await this.one(p!.item).then(p!.resolve, p!.reject);
      return;
    }
    let outs: O[];
    try {
      outs = await this.many(batch.map((p) => p.item));
    } catch {
      this.fellBack++;
      await Promise.all(batch.map((p) => this.one(p.item).then(p.resolve, p.reject)));
      return;
    }
    batch.forEach((p, i) => p.resolve(outs[i]!));
  }
}
