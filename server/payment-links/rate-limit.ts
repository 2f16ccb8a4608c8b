// Fixed-window rate limits kept in the database (rate_limits), so every Settle process counts the
// same requests. One upsert per check; old windows are deleted by the maintenance job.
import type { Knex } from 'knex';
import { AppError } from '../http/app-error';

export interface RateLimit {
  bucket: string;
  limit: number;
  windowSeconds: number;
}

/** Counts one request for `key`; RATE_LIMITED (429, Retry-After) once the window's limit is passed. */
export async function hitRateLimit(db: Knex, rule: RateLimit, key: string, now: Date): Promise<void> {
  const windowMs = rule.windowSeconds * 1000;
  const windowStart = new Date(Math.floor(now.getTime() / windowMs) * windowMs);
  const result = (await db.raw(
    `insert into rate_limits (bucket, key, window_start, count) values (?, ?, ?, 1)
     on conflict (bucket, key, window_start) do update set count = rate_limits.count + 1
     returning count`,
    [rule.bucket, key.slice(0, 200), windowStart],
  )) as { rows: Array<{ count: number }> };
  const count = Number(result.rows[0]!.count);
  if (count > rule.limit) {
    const retryAfter = Math.max(1, Math.ceil((windowStart.getTime() + windowMs - now.getTime()) / 1000));
    throw new AppError('RATE_LIMITED', { headers: { 'Retry-After': String(retryAfter) } });
  }
}

/** Drops windows older than a day (maintenance). */
export async function pruneRateLimits(db: Knex, now: Date): Promise<number> {
  return db('rate_limits').where('window_start', '<', new Date(now.getTime() - 86_400_000)).delete();
}
