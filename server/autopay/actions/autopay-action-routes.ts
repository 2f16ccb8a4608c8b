// Technician API for autopay (mounted at /api/app; any staff role; every change audited):
//   GET    /clients/:clientId/autopay                status, method, pause, owed invoices with their next charge
//   POST   /clients/:clientId/autopay/pause          { reason }
//   POST   /clients/:clientId/autopay/resume
//   GET    /invoices/:invoiceId/autopay              plan, available actions, attempts timeline
//   POST   /invoices/:invoiceId/autopay/charge-now
//   POST   /invoices/:invoiceId/autopay/skip         { reason? }
//   DELETE /invoices/:invoiceId/autopay/skip
import { Router, type Request } from 'express';
import { z } from 'zod';
import { actorOf, requestMeta } from '../../audit/record-audit';
import type { SettlePassport } from '../../auth/passport-setup';
import { installationScopeOf, requireStaff, staffOf } from '../../auth/require-auth';
import type { AppContext } from '../../http/context';
import { uuidParam } from '../../http/params';
import { parseInput } from '../../http/validate';
import { chargeNow, pauseAutopay, resumeAutopay, skipInvoice, unskipInvoice } from './autopay-actions';
import { getClientAutopay, getInvoiceAutopay } from './autopay-views';

const pauseBody = z.object({ reason: z.string().trim().min(3, 'Say why autopay is paused (the client sees it).').max(300, 'Keep the reason under 300 characters.') }).strict();
const skipBody = z.object({ reason: z.string().trim().max(300, 'Keep the reason under 300 characters.').optional() }).strict();
const emptyBody = z.object({}).strict();

export function autopayActionRoutes(ctx: AppContext, passport: SettlePassport): Router {
  const router = Router();
  const staff = requireStaff(passport);
  const clientIdOf = (req: Request) => uuidParam(req.params.clientId, 'CLIENT_NOT_FOUND');
  const invoiceIdOf = (req: Request) => uuidParam(req.params.invoiceId, 'INVOICE_NOT_FOUND');
  const meta = (req: Request) => ({ actor: actorOf(staffOf(req)), ...requestMeta(req) });

  router.get('/clients/:clientId/autopay', staff, async (req, res) => {
    res.json({ autopay: await getClientAutopay(ctx, installationScopeOf(ctx, req), clientIdOf(req)) });
  });

  router.post('/clients/:clientId/autopay/pause', staff, async (req, res) => {
    const clientId = clientIdOf(req);
    const body = parseInput(pauseBody, req.body);
    res.json({ autopay: await pauseAutopay(ctx, installationScopeOf(ctx, req), clientId, body, meta(req)) });
  });

  router.post('/clients/:clientId/autopay/resume', staff, async (req, res) => {
    const clientId = clientIdOf(req);
    parseInput(emptyBody, req.body ?? {});
    res.json({ autopay: await resumeAutopay(ctx, installationScopeOf(ctx, req), clientId, meta(req)) });
  });

  router.get('/invoices/:invoiceId/autopay', staff, async (req, res) => {
    res.json({ autopay: await getInvoiceAutopay(ctx, installationScopeOf(ctx, req), invoiceIdOf(req)) });
  });

  router.post('/invoices/:invoiceId/autopay/charge-now', staff, async (req, res) => {
    const invoiceId = invoiceIdOf(req);
    parseInput(emptyBody, req.body ?? {});
    res.json(await chargeNow(ctx, installationScopeOf(ctx, req), invoiceId, meta(req)));
  });

  router.post('/invoices/:invoiceId/autopay/skip', staff, async (req, res) => {
    const invoiceId = invoiceIdOf(req);
    const body = parseInput(skipBody, req.body ?? {});
    res.json({ autopay: await skipInvoice(ctx, installationScopeOf(ctx, req), invoiceId, body, { ...meta(req), userId: staffOf(req).userId }) });
  });

  router.delete('/invoices/:invoiceId/autopay/skip', staff, async (req, res) => {
    res.json({ autopay: await unskipInvoice(ctx, installationScopeOf(ctx, req), invoiceIdOf(req), meta(req)) });
  });

  return router;
}
