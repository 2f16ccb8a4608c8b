// A transaction run again from the start when PostgreSQL refused it for a reason that a second try
// can get past (a deadlock's victim, a serialization failure, a racing insert): nothing of the failed
// try was committed, so running `fn` again is safe whenever `fn` only writes to the database.
import type { InstallationScope } from './tenant-scope';

export const DEADLOCK_CODES: ReadonlySet<string> = new Set(['40001', '40P01']); // serialization failure, deadlock

/** Runs `fn` in a transaction, up to `tries` times while it fails with one of `retryable` (SQLSTATE codes). */
export async function retryTransaction<T>(scope: InstallationScope, fn: (trx: InstallationScope) => Promise<T>, retryable: ReadonlySet<string>, tries = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await scope.transaction(fn);
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (attempt >= tries || typeof code !== 'string' || !retryable.has(code)) throw err;
    }
  }
}
