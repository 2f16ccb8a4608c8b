// One pass of the notifier: every kind of notice that is found from Settle's own records rather
// than sent by the code that made the change (which belongs to other modules and must stay unaware
// of email). Each kind is isolated: one failing never stops the others.
import type { AppContext } from '../http/context';
import type { SweepResult } from './notice-env';
import { notifyChargeAttempts } from './notify-charge-attempts';
import { notifyDisputes } from './notify-disputes';
import { notifyUpcomingAutopay } from './notify-upcoming-autopay';

export type NotificationRunSummary = Record<'chargeAttempts' | 'disputes' | 'upcomingAutopay', SweepResult | { error: true }>;

/** Idempotent and safe to run concurrently in any number of processes (see sendNotice). */
export async function runNotifications(ctx: AppContext): Promise<NotificationRunSummary> {
  const kinds = { chargeAttempts: notifyChargeAttempts, disputes: notifyDisputes, upcomingAutopay: notifyUpcomingAutopay } as const;
  const summary = {} as NotificationRunSummary;
  for (const [name, run] of Object.entries(kinds) as Array<[keyof typeof kinds, (c: AppContext) => Promise<SweepResult>]>) {
    try {
      summary[name] = await run(ctx);
    } catch (err) {
      ctx.logger.error({ err, kind: name }, 'notification sweep failed');
      summary[name] = { error: true };
    }
  }
  return summary;
}
