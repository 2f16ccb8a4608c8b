// Client portal API (/api/portal): portal sessions, client scope.
import { Router } from 'express';
import { z } from 'zod';
import { authRoutes } from '../auth/auth-routes';
import type { SettlePassport } from '../auth/passport-setup';
import { clientScopeOf, requirePortal } from '../auth/require-auth';
import type { AppContext } from '../http/context';
import { pageQuery, uuidParam } from '../http/params';
import { parseInput } from '../http/validate';
import { getClientInvoice, listClientInvoices } from './list-client-invoices';

const listQuery = z.object({ filter: z.enum(['unpaid', 'overdue', 'all']).default('unpaid'), ...pageQuery }).strict();

export function portalRoutes(ctx: AppContext, passport: SettlePassport): Router {
  const router = Router();
  router.use(authRoutes(ctx, passport, 'portal'));
  const portal = requirePortal(passport);

  router.get('/invoices', portal, async (req, res) => {
    const query = parseInput(listQuery, req.query);
    res.json(await listClientInvoices(clientScopeOf(ctx, req), query, ctx.clock));
  });

  router.get('/invoices/:invoiceId', portal, async (req, res) => {
    const id = uuidParam(req.params.invoiceId, 'INVOICE_NOT_FOUND');
    res.json({ invoice: await getClientInvoice(clientScopeOf(ctx, req), id, ctx.clock) });
  });

  return router;
}
