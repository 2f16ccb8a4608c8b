import type { JobDefinition } from '../jobs/job-registry';
import { connectionsNeedingRefresh, refreshOAuthConnection } from './oauth-connect';

/**
 * Renews OAuth access tokens that expire within 30 minutes, every 10 minutes, one installation at a
 * time (a failure is logged and retried on the next tick while the old token still works).
 */
export const refreshOAuthTokensJob: JobDefinition = {
  name: 'stripe.refresh-oauth-tokens',
  retryLimit: 2,
  retryDelaySeconds: 60,
  retryBackoff: true,
  expireInSeconds: 300,
  cron: () => '*/10 * * * *',
  singletonSeconds: 540,
  async run(ctx) {
    if (!ctx.stripePlatform) return;
    for (const installationId of await connectionsNeedingRefresh(ctx, 30 * 60_000)) {
      try {
        await refreshOAuthConnection(ctx, installationId);
      } catch (err) {
        ctx.logger.error({ err, installationId }, 'could not refresh the Stripe OAuth token');
      }
    }
  },
};
