// Group commit for webhook acknowledgements. Each delivery is stored before its 200, but deliveries
// that arrive while an insert is running wait for it and then go in together as one multi-row
// INSERT: one statement (and on PostgreSQL one commit) for many events. When nothing is in flight a
// row is written at once, so an idle server adds no latency. On embedded PGlite, where every
// statement runs on the same CPU as the HTTP server, this is what keeps acks fast under load.
import type { AppContext } from '../http/context';

export interface StripeEventRow {
  installation_id: string;
  stripe_event_id: string;
  type: string;
  api_version: string | null;
  livemode: boolean;
  payload: string;
  status: 'pending' | 'ignored';
  stripe_created_at: Date;
  received_at: Date;
  object_id: string | null;
  processed_at: Date | null;
}

interface Waiting {
  row: StripeEventRow;
  resolve(stored: boolean): void;
  reject(err: unknown): void;
}

const MAX_BATCH = 200;
const COLUMNS = ['installation_id', 'stripe_event_id', 'type', 'api_version', 'livemode', 'payload', 'status', 'stripe_created_at', 'received_at', 'object_id', 'processed_at'] as const;

class EventBatcher {
  private queue: Waiting[] = [];
  private flushing = false;

  constructor(private readonly ctx: AppContext) {}

  store(row: StripeEventRow): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.queue.push({ row, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_BATCH);
        try {
          const stored = await insertRows(this.ctx, batch.map((w) => w.row));
          // Two deliveries of one event in the same batch: the first is the one that stored it.
          const claimed = new Set<string>();
          for (const w of batch) {
            const key = `${w.row.installation_id}/${w.row.stripe_event_id}`;
            w.resolve(stored.has(key) && !claimed.has(key));
            claimed.add(key);
          }
        } catch (err) {
          for (const w of batch) w.reject(err);
        }
        // Let the event loop read the deliveries that arrived meanwhile before the next statement:
        // on PGlite the statement ran on this thread, so nothing could queue up while it ran.
        if (this.queue.length < MAX_BATCH) await new Promise((r) => (batch.length > 1 ? setTimeout(r, 1) : setImmediate(r)));
      }
    } finally {
      this.flushing = false;
    }
  }
}

async function insertRows(ctx: AppContext, rows: StripeEventRow[]): Promise<Set<string>> {
  const unique = new Map(rows.map((r) => [`${r.installation_id}/${r.stripe_event_id}`, r]));
  const values: Array<string | number | boolean | Date | null> = [];
  const tuples: string[] = [];
  for (const r of unique.values()) {
    tuples.push(`(${COLUMNS.map((c) => (c === 'payload' ? '?::jsonb' : '?')).join(', ')})`);
    for (const c of COLUMNS) values.push(r[c]);
  }
  const result = (await ctx.db.raw(
    `insert into stripe_events (${COLUMNS.join(', ')}) values ${tuples.join(', ')}
     on conflict (installation_id, stripe_event_id) do nothing
     returning installation_id, stripe_event_id`,
    values,
  )) as { rows: Array<{ installation_id: string; stripe_event_id: string }> };
  return new Set(result.rows.map((r) => `${r.installation_id}/${r.stripe_event_id}`));
}

const batchers = new WeakMap<AppContext, EventBatcher>();

/** Stores one event (ON CONFLICT DO NOTHING); resolves true when this delivery stored it. */
export function storeStripeEvent(ctx: AppContext, row: StripeEventRow): Promise<boolean> {
  let batcher = batchers.get(ctx);
  if (!batcher) {
    batcher = new EventBatcher(ctx);
    batchers.set(ctx, batcher);
  }
  return batcher.store(row);
}
