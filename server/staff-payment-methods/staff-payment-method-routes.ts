// Technician API for a client's payment methods (mounted at /api/app; any staff role — technicians
// may do this, it is not an admin-only setting; every write audited). Contract: docs/openapi.yaml.
import { Router, type Request } from 'express';
import { z } from 'zod';
import { actorOf, requestMeta } from '../audit/record-audit';
import type { SettlePassport } from '../auth/passport-setup';
import { installationScopeOf, requireStaff, staffOf } from '../auth/require-auth';
import type { AppContext } from '../http/context';
import { uuidParam } from '../http/params';
import { parseInput } from '../http/validate';
import { addMethodOptions } from './add-method-options';
import { AUTHORIZATION_CHANNELS, STAFF_AUTHORIZATION_VERSION } from './authorization-texts';
import { listStaffPaymentMethods } from './list-staff-payment-methods';
import { setStaffAutopay } from './staff-autopay';
import { parseVerifyInput } from '../portal-payment-methods/verify-microdeposits';
import { confirmStaffBankAccount, refreshStaffMethod, startStaffSetup, verifyStaffMicrodeposits, type StaffActor } from './staff-setup';

const setupBody = z
  .object({
    type: z.enum(['card', 'us_bank_account']),
    authorization: z
      .object({
        channel: z.enum(AUTHORIZATION_CHANNELS),
        confirmed: z.boolean(),
        version: z.literal(STAFF_AUTHORIZATION_VERSION, { message: 'The authorization text changed; reload the page and confirm it again.' }),
      })
      .strict(),
  })
  .strict();

const autopayBody = z.discriminatedUnion('enabled', [
  z.object({ enabled: z.literal(true), paymentMethodId: z.uuid('Choose one of this client’s payment methods.'), authorization: setupBody.shape.authorization }).strict(),
  z.object({ enabled: z.literal(false) }).strict(),
]);

function staffActor(req: Request): StaffActor {
  const principal = staffOf(req);
  return { audit: actorOf(principal), userId: principal.userId, ...requestMeta(req) };
}

export function staffPaymentMethodRoutes(ctx: AppContext, passport: SettlePassport): Router {
  const router = Router();
  const staff = requireStaff(passport);
  const clientIdOf = (value: unknown) => uuidParam(value, 'CLIENT_NOT_FOUND');
  const methodIdOf = (value: unknown) => uuidParam(value, 'PAYMENT_METHOD_NOT_FOUND');

  router.get('/clients/:clientId/payment-methods', staff, async (req, res) => {
    const clientId = clientIdOf(req.params.clientId);
    res.json(await listStaffPaymentMethods(installationScopeOf(ctx, req), clientId, ctx.clock));
  });

  router.get('/clients/:clientId/payment-methods/add-options', staff, async (req, res) => {
    const clientId = clientIdOf(req.params.clientId);
    res.json(await addMethodOptions(ctx, installationScopeOf(ctx, req), clientId));
  });

  router.post('/clients/:clientId/payment-methods/setup', staff, async (req, res) => {
    const clientId = clientIdOf(req.params.clientId);
    const body = parseInput(setupBody, req.body);
    res.status(201).json(await startStaffSetup(ctx, installationScopeOf(ctx, req), clientId, staffActor(req), body));
  });

  router.post('/clients/:clientId/payment-methods/:id/confirm-bank-account', staff, async (req, res) => {
    const clientId = clientIdOf(req.params.clientId);
    const id = methodIdOf(req.params.id);
    res.json({ paymentMethod: await confirmStaffBankAccount(ctx, installationScopeOf(ctx, req), clientId, staffActor(req), id) });
  });

  router.post('/clients/:clientId/payment-methods/:id/refresh', staff, async (req, res) => {
    const clientId = clientIdOf(req.params.clientId);
    const id = methodIdOf(req.params.id);
    const scope = installationScopeOf(ctx, req);
    res.json({ paymentMethod: await refreshStaffMethod(ctx, scope, clientId, staffActor(req), id) });
  });

  router.post('/clients/:clientId/payment-methods/:id/verify', staff, async (req, res) => {
    const clientId = clientIdOf(req.params.clientId);
    const id = methodIdOf(req.params.id);
    const input = parseVerifyInput(req.body);
    res.json({ paymentMethod: await verifyStaffMicrodeposits(ctx, installationScopeOf(ctx, req), clientId, staffActor(req), id, input) });
  });

  router.put('/clients/:clientId/autopay', staff, async (req, res) => {
    const clientId = clientIdOf(req.params.clientId);
    const body = parseInput(autopayBody, req.body);
    res.json({ autopay: await setStaffAutopay(ctx, installationScopeOf(ctx, req), clientId, staffActor(req), body) });
  });

  return router;
}
