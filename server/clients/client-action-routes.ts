// Technician actions on a client that are not autopay's or the ledger's (any staff role; each one
// audited): a secure setup link for a contact, resync from Stripe,
// resend a payment's receipt.
import { Router } from 'express';
import { z } from 'zod';
import { actorOf, requestMeta } from '../audit/record-audit';
import type { SettlePassport } from '../auth/passport-setup';
import { installationScopeOf, requireStaff, staffOf } from '../auth/require-auth';
import type { AppContext } from '../http/context';
import { uuidParam } from '../http/params';
import { parseInput } from '../http/validate';
import { resendReceipt } from './resend-receipt';
import { resyncClient } from './resync-client';
import { createSetupLink } from './setup-links';

const setupLinkBody = z.object({ contactId: z.uuid('Choose one of this client’s contacts.'), delivery: z.enum(['email', 'copy']) }).strict();
const resendBody = z.object({ to: z.email('Enter a valid email address.').max(254).optional() }).strict();

export function clientActionRoutes(ctx: AppContext, passport: SettlePassport): Router {
  const router = Router();
  const staff = requireStaff(passport);
  const clientIdOf = (value: unknown) => uuidParam(value, 'CLIENT_NOT_FOUND');

  router.post('/clients/:clientId/setup-links', staff, async (req, res) => {
    const clientId = clientIdOf(req.params.clientId);
    const body = parseInput(setupLinkBody, req.body);
    const principal = staffOf(req);
    const link = await createSetupLink(installationScopeOf(ctx, req), clientId, body, { actor: actorOf(principal), userId: principal.userId, ...requestMeta(req), publicUrl: ctx.config.publicUrl }, ctx.clock);
    res.status(201).json({ setupLink: link });
  });

  router.post('/clients/:clientId/resync', staff, async (req, res) => {
    const clientId = clientIdOf(req.params.clientId);
    res.json({ resync: await resyncClient(ctx, installationScopeOf(ctx, req), clientId, { actor: actorOf(staffOf(req)), ...requestMeta(req) }) });
  });

  router.post('/payments/:paymentId/resend-receipt', staff, async (req, res) => {
    const paymentId = uuidParam(req.params.paymentId, 'PAYMENT_NOT_FOUND');
    const body = parseInput(resendBody, req.body ?? {});
    const result = await resendReceipt(installationScopeOf(ctx, req), paymentId, { to: body.to, publicUrl: ctx.config.publicUrl, actor: actorOf(staffOf(req)), ...requestMeta(req) }, ctx.clock);
    res.json(result);
  });

  return router;
}
