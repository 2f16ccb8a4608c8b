// Client portal API (/api/portal): portal sessions, client scope.
import { Router } from 'express';
import { z } from 'zod';
import { authRoutes } from '../auth/auth-routes';
import { portalAccessPublicRoutes } from '../portal-access/access-routes';
import { portalPaymentMethodRoutes } from '../portal-payment-methods/portal-payment-method-routes';
import type { SettlePassport } from '../auth/passport-setup';
import { clientScopeOf, requirePortal } from '../auth/require-auth';
import type { AppContext } from '../http/context';
import { clockMinute, sendCachedJson, type ReadCache } from '../http/read-cache';
import { pageQuery, uuidParam } from '../http/params';
import { parseInput } from '../http/validate';
import { portalPaymentRoutes } from '../portal-payments/portal-payment-routes';
import { invoicePaymentInfo } from '../portal-payments/invoice-payment-info';
import { onlinePaymentsAvailable } from '../portal-payments/online-payments';
import { getClientInvoice, listClientInvoices } from './list-client-invoices';

export const portalInvoiceListQuery = z.object({ filter: z.enum(['unpaid', 'overdue', 'all']).default('unpaid'), ...pageQuery }).strict();

/** The read cache's key for a client's invoice list (what the answer depends on besides the data). */
export function portalInvoiceListKey(clientId: string, query: z.infer<typeof portalInvoiceListQuery>, now: Date): string {
  return `portal-invoices:${clientId}:${query.filter}:${query.page}:${query.pageSize}:${clockMinute(now)}`;
}

export function portalRoutes(ctx: AppContext, passport: SettlePassport, cache: ReadCache): Router {
  const router = Router();
  const portal = requirePortal(passport);
  // The hot read first: a client's list is answered before the sub-routers are walked.
  router.get('/invoices', portal, async (req, res) => {
    const query = parseInput(portalInvoiceListQuery, req.query);
    const scope = clientScopeOf(ctx, req);
    const key = portalInvoiceListKey(scope.clientId, query, ctx.clock.now());
    await sendCachedJson(req, res, cache, scope.installationId, key, () => listClientInvoices(scope, query, ctx.clock));
  });

  router.use(authRoutes(ctx, passport, 'portal'));
  router.use(portalAccessPublicRoutes(ctx));
  router.use(portalPaymentMethodRoutes(ctx, passport));
  router.use(portalPaymentRoutes(ctx, passport));

  router.get('/invoices/:invoiceId', portal, async (req, res) => {
    const id = uuidParam(req.params.invoiceId, 'INVOICE_NOT_FOUND');
    const scope = clientScopeOf(ctx, req);
    const invoice = await getClientInvoice(scope, id, ctx.clock);
    const online = await onlinePaymentsAvailable(ctx, scope);
    res.json({ invoice: { ...invoice, ...(await invoicePaymentInfo(scope, id, { onlinePayments: online })) } });
  });

  return router;
}
