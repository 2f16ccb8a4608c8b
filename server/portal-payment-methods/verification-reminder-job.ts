// Hourly: remind clients whose bank account verification window closes within 3 days (registered in
// server/jobs/job-registry.ts). The run is idempotent, so a retry or an overlapping tick is harmless.
import type { JobDefinition } from '../jobs/job-registry';
import { sendVerificationReminders } from './send-verification-reminders';

export const verificationReminderJob: JobDefinition = {
  name: 'portal.verification-reminders',
  retryLimit: 2,
  retryDelaySeconds: 300,
  retryBackoff: true,
  expireInSeconds: 900,
  cron: () => '17 * * * *',
  singletonSeconds: 3600,
  async run(ctx) {
    const result = await sendVerificationReminders(ctx);
    if (result.reminded || result.failed) ctx.logger.info(result, 'bank account verification reminders queued');
  },
};
