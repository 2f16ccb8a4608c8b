// Technician API for the webhook health panel (/api/app/webhooks/*), admins only.
import { Router } from 'express';
import { actorOf, requestMeta } from '../audit/record-audit';
import type { SettlePassport } from '../auth/passport-setup';
import { installationScopeOf, requireStaff, staffOf } from '../auth/require-auth';
import type { AppContext } from '../http/context';
import { uuidParam } from '../http/params';
import { getWebhookHealth } from './get-webhook-health';
import { retryStripeEvent } from './retry-stripe-event';

export function webhookAppRoutes(ctx: AppContext, passport: SettlePassport): Router {
  const router = Router();
  const admin = requireStaff(passport, { roles: ['admin'] });

  router.get('/webhooks/health', admin, async (req, res) => {
    res.json(await getWebhookHealth(ctx, installationScopeOf(ctx, req)));
  });

  router.post('/webhooks/events/:eventId/retry', admin, async (req, res) => {
    const eventRowId = uuidParam(req.params.eventId, 'WEBHOOK_EVENT_NOT_FOUND');
    const event = await retryStripeEvent(installationScopeOf(ctx, req), { eventRowId, actor: actorOf(staffOf(req)), ...requestMeta(req) }, ctx.clock);
    res.json({ event });
  });

  return router;
}
