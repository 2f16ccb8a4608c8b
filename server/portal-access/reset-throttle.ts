// Throttling for "forgot password" requests, shared by every server process (the `rate_limits`
// table): per email and per IP in fixed windows, with the sign-in policy's numbers (LOGIN_MAX_FAILURES
// requests per LOGIN_WINDOW_MINUTES per email, 4x per IP). It answers the same way whether or not the
// email has an account, so it never reveals which ones do.
import type { Clock } from '../clock';
import type { DbOrTrx } from '../db/database';
import { AppError } from '../http/app-error';
import type { ThrottlePolicy } from '../auth/login-throttle';

const IP_FACTOR = 4;

async function hit(db: DbOrTrx, bucket: string, key: string, windowStart: Date): Promise<number> {
  const rows = (await db('rate_limits')
    .insert({ bucket, key, window_start: windowStart, count: 1 })
    .onConflict(['bucket', 'key', 'window_start'])
    .merge({ count: db.raw('rate_limits.count + 1') })
    .returning('count')) as Array<{ count: number }>;
  return Number(rows[0]?.count ?? 1);
}

/**
 * Counts one request and throws RATE_LIMITED (with Retry-After) when the email or the IP went over
 * the limit in the current window. Not idempotent: every call counts.
 */
export async function assertResetAllowed(
  db: DbOrTrx,
  input: { email: string; ip: string | undefined },
  options: { clock: Clock; policy: ThrottlePolicy },
): Promise<void> {
  const now = options.clock.now().getTime();
  const windowMs = options.policy.windowMinutes * 60_000;
  const windowStart = new Date(Math.floor(now / windowMs) * windowMs);
  const byEmail = await hit(db, 'portal_password_reset:email', input.email.trim().toLowerCase(), windowStart);
  const byIp = input.ip ? await hit(db, 'portal_password_reset:ip', input.ip, windowStart) : 0;
  if (byEmail > options.policy.maxFailures || byIp > options.policy.maxFailures * IP_FACTOR) {
    const retryAfter = Math.max(1, Math.ceil((windowStart.getTime() + windowMs - now) / 1000));
    const minutes = Math.ceil(retryAfter / 60);
    throw new AppError('RATE_LIMITED', {
      message: `Too many password reset requests. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
      headers: { 'Retry-After': String(retryAfter) },
    });
  }
}
