import type { AppContext } from '../http/context';
import type { NoticeEnv } from './send-notice';

/** Events older than this are stale news: a notifier that was down longer does not send them late. */
export const NOTIFY_HORIZON_DAYS = 7;
export const DAY_MS = 86_400_000;

export function noticeEnv(ctx: Pick<AppContext, 'config'>): NoticeEnv {
  return { publicUrl: ctx.config.publicUrl, encryptionKeys: ctx.config.encryptionKeys };
}

/** A sweep's tally: notices sent, items with nothing left to send, items whose handling threw (retried next run). */
export interface SweepResult {
  notified: number;
  failed: number;
}

/** Runs `fn` for each item, isolating failures (logged; the next run finds the item again). */
export async function eachIsolated<T>(ctx: Pick<AppContext, 'logger'>, items: readonly T[], what: string, fn: (item: T) => Promise<boolean>): Promise<SweepResult> {
  const result: SweepResult = { notified: 0, failed: 0 };
  for (const item of items) {
    try {
      if (await fn(item)) result.notified++;
    } catch (err) {
      result.failed++;
      ctx.logger.warn({ err, item }, `could not send a ${what} notification`);
    }
  }
  return result;
}
