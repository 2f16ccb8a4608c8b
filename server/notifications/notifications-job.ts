import type { JobDefinition } from '../jobs/job-registry';
import { runNotifications } from './run-notifications';

/**
 * Every minute: queue the notices that are due (failed or authentication-needing charges, final
 * failures, disputes, upcoming automatic charges). What was sent is recorded per event in
 * `notifications`, so a missed, repeated or concurrent run neither loses nor repeats a notice.
 */
export const sendNotificationsJob: JobDefinition = {
  name: 'notifications.send',
  retryLimit: 0,
  retryDelaySeconds: 60,
  retryBackoff: false,
  expireInSeconds: 10 * 60,
  cron: () => '* * * * *',
  singletonSeconds: 60,
  async run(ctx) {
    const summary = await runNotifications(ctx);
    const sent = Object.values(summary).some((s) => 'notified' in s && (s.notified > 0 || s.failed > 0));
    if (sent) ctx.logger.info(summary, 'notifications queued');
  },
};
