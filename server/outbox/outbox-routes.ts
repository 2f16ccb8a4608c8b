// Technician UI API for the PSA connection (/api/app): webhook settings (admin) and the outbound
// delivery log with manual retry.
import { Router } from 'express';
import { z } from 'zod';
import { requestMeta } from '../audit/record-audit';
import type { SettlePassport } from '../auth/passport-setup';
import { installationScopeOf, requireStaff, staffOf } from '../auth/require-auth';
import type { AppContext } from '../http/context';
import { pageQuery, uuidParam } from '../http/params';
import { parseInput } from '../http/validate';
import { listOutboxDeliveries, retryOutboxDelivery } from './list-outbox-deliveries';
import { getPsaWebhookSettings, updatePsaWebhookSettings } from './psa-webhook-settings';

const webhookBody = z
  .object({
    url: z.string().trim().min(1, 'Enter the URL your PSA receives Settle webhooks at.').max(2048),
    rotateSecret: z.boolean().optional(),
  })
  .strict();
const listQuery = z.object({ filter: z.enum(['failing', 'dead', 'all']).default('all'), ...pageQuery }).strict();

export function outboxRoutes(ctx: AppContext, passport: SettlePassport): Router {
  const router = Router();
  const staff = requireStaff(passport);
  const admin = requireStaff(passport, { roles: ['admin'] });

  router.get('/settings/psa-webhook', admin, async (req, res) => {
    res.json({ psaWebhook: await getPsaWebhookSettings(installationScopeOf(ctx, req), ctx) });
  });

  router.put('/settings/psa-webhook', admin, async (req, res) => {
    const body = parseInput(webhookBody, req.body);
    const { secret, ...psaWebhook } = await updatePsaWebhookSettings(installationScopeOf(ctx, req), body, ctx, { principal: staffOf(req), ...requestMeta(req) });
    res.json({ psaWebhook, secret });
  });

  router.get('/outbox', staff, async (req, res) => {
    const query = parseInput(listQuery, req.query);
    res.json(await listOutboxDeliveries(installationScopeOf(ctx, req), query));
  });

  router.post('/outbox/:deliveryId/retry', admin, async (req, res) => {
    const id = uuidParam(req.params.deliveryId, 'OUTBOX_DELIVERY_NOT_FOUND');
    const delivery = await retryOutboxDelivery(installationScopeOf(ctx, req), id, { principal: staffOf(req), ...requestMeta(req) }, ctx.clock);
    res.json({ delivery });
  });

  return router;
}
