// Login rate limiting kept in the database, so it holds across any number of server processes and
// restarts. Counts failures per account (since its last success) and per IP inside a sliding window.
import type { Clock } from '../clock';
import { type DbOrTrx, toCount } from '../db/database';
import { AppError } from '../http/app-error';

export interface ThrottlePolicy {
  maxFailures: number;
  windowMinutes: number;
}

/** An IP may fail this many times more than one account may (offices share an address). */
const IP_FACTOR = 4;

/** Throws AUTH_RATE_LIMITED with Retry-After when the account or the IP is over the limit. */
export async function assertLoginAllowed(
  db: DbOrTrx,
  input: { kind: 'staff' | 'portal'; email: string; ip: string | undefined },
  options: { clock: Clock; policy: ThrottlePolicy },
): Promise<void> {
  const now = options.clock.now();
  const windowStart = new Date(now.getTime() - options.policy.windowMinutes * 60_000);
  const email = input.email.toLowerCase();
  // Failures count from the later of the window start and the account's last successful sign-in.
  const account = (await db('login_attempts')
    .where({ kind: input.kind, email, succeeded: false })
    .andWhereRaw(
      "at > greatest(?::timestamptz, coalesce((select max(at) from login_attempts where kind = ? and email = ? and succeeded), '-infinity'))",
      [windowStart, input.kind, email],
    )
    .first(db.raw('count(*) as n'), db.raw('min(at) as oldest'))) as { n: unknown; oldest: Date | null };
  let oldest: Date | null = null;
  if (toCount(account.n) >= options.policy.maxFailures) oldest = account.oldest;
  if (!oldest && input.ip) {
    const byIp = (await db('login_attempts')
      .where({ ip: input.ip, succeeded: false })
      .andWhere('at', '>', windowStart)
      .first(db.raw('count(*) as n'), db.raw('min(at) as oldest'))) as { n: unknown; oldest: Date | null };
    if (toCount(byIp.n) >= options.policy.maxFailures * IP_FACTOR) oldest = byIp.oldest;
  }
  if (oldest) {
    const retryAfter = Math.max(1, Math.ceil((oldest.getTime() + options.policy.windowMinutes * 60_000 - now.getTime()) / 1000));
    const minutes = Math.ceil(retryAfter / 60);
    throw new AppError('AUTH_RATE_LIMITED', {
      message: `Too many failed sign-in attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
      headers: { 'Retry-After': String(retryAfter) },
    });
  }
}

export async function recordLoginAttempt(
  db: DbOrTrx,
  input: { kind: 'staff' | 'portal'; email: string; ip: string | undefined; succeeded: boolean },
  clock: Clock,
): Promise<void> {
  await db('login_attempts').insert({
    kind: input.kind,
    email: input.email.toLowerCase(),
    ip: input.ip ?? null,
    succeeded: input.succeeded,
    at: clock.now(),
  });
}
