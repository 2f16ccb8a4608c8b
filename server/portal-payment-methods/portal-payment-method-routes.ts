// Portal API for saved payment methods and autopay (mounted at /api/portal). Every route needs a
// portal session; writes need the session's CSRF token (requirePortal). Contract: docs/portal.md.
import { Router } from 'express';
import { z } from 'zod';
import { actorOf } from '../audit/record-audit';
import type { SettlePassport } from '../auth/passport-setup';
import { requirePortal } from '../auth/require-auth';
import type { AppContext } from '../http/context';
import { uuidParam } from '../http/params';
import { parseInput } from '../http/validate';
import { autopayInputSchema, getAutopay, updateAutopay } from './autopay';
import { listPaymentMethods } from './list-payment-methods';
import { portalScopeOf } from './portal-request';
import { refreshPaymentMethod } from './refresh-payment-method';
import { removePaymentMethod } from './remove-payment-method';
import { setDefaultPaymentMethod } from './set-default';
import { startSetup } from './start-setup';
import { parseVerifyInput, verifyMicrodeposits } from './verify-microdeposits';

const setupInput = z.object({ type: z.enum(['card', 'us_bank_account']), acceptMandate: z.boolean().optional() }).strict();

export function portalPaymentMethodRoutes(ctx: AppContext, passport: SettlePassport): Router {
  const router = Router();
  const portal = requirePortal(passport);
  const methodId = (value: unknown) => uuidParam(value, 'PAYMENT_METHOD_NOT_FOUND');

  router.get('/payment-methods', portal, async (req, res) => {
    const { scope } = portalScopeOf(ctx, req);
    res.json(await listPaymentMethods(scope, ctx.clock));
  });

  router.post('/payment-methods/setup', portal, async (req, res) => {
    const input = parseInput(setupInput, req.body);
    const { scope, actor } = portalScopeOf(ctx, req);
    res.status(201).json(await startSetup(ctx, scope, actor, input));
  });

  router.post('/payment-methods/:id/refresh', portal, async (req, res) => {
    const id = methodId(req.params.id);
    const { scope, actor } = portalScopeOf(ctx, req);
    res.json({ paymentMethod: await refreshPaymentMethod(ctx, scope, actor, id) });
  });

  router.post('/payment-methods/:id/verify', portal, async (req, res) => {
    const id = methodId(req.params.id);
    const input = parseVerifyInput(req.body);
    const { scope, actor } = portalScopeOf(ctx, req);
    res.json({ paymentMethod: await verifyMicrodeposits(ctx, scope, { audit: actorOf(actor.principal), enteredBy: 'client', ip: actor.ip, requestId: actor.requestId }, id, input) });
  });

  router.post('/payment-methods/:id/default', portal, async (req, res) => {
    const id = methodId(req.params.id);
    const { scope, actor } = portalScopeOf(ctx, req);
    res.json({ paymentMethod: await setDefaultPaymentMethod(ctx, scope, actor, id) });
  });

  router.delete('/payment-methods/:id', portal, async (req, res) => {
    const id = methodId(req.params.id);
    const { scope, actor } = portalScopeOf(ctx, req);
    await removePaymentMethod(ctx, scope, actor, id);
    res.status(204).end();
  });

  router.get('/autopay', portal, async (req, res) => {
    const { scope } = portalScopeOf(ctx, req);
    res.json({ autopay: await getAutopay(scope, ctx.clock) });
  });

  router.put('/autopay', portal, async (req, res) => {
    const input = parseInput(autopayInputSchema, req.body);
    const { scope, actor } = portalScopeOf(ctx, req);
    res.json({ autopay: await updateAutopay(ctx, scope, actor, input) });
  });

  return router;
}
