// /api/portal: Stripe config, paying invoices, payment status and receipts (portal session, client scope).
import { Router, type Request } from 'express';
import { z } from 'zod';
import { actorOf, requestMeta } from '../audit/record-audit';
import { portalOf, requirePortal } from '../auth/require-auth';
import type { SettlePassport } from '../auth/passport-setup';
import { InstallationScope } from '../db/tenant-scope';
import { AppError } from '../http/app-error';
import type { AppContext } from '../http/context';
import { uuidParam } from '../http/params';
import { parseInput } from '../http/validate';
import { cancelPayment, createPortalPayment, refreshPayment } from './create-portal-payment';
import { PAYMENT_COLUMNS, toPaymentViews, type PaymentRow } from './payment-view';
import { getReceipt } from './receipt';
import { getStripeConfig } from './stripe-config';

const uuid = z.string().uuid();
const createBody = z
  .object({
    invoiceIds: z.array(uuid).min(1).max(50),
    amounts: z.record(uuid, z.number().int().positive()).optional(),
    paymentMethodId: uuid.optional(),
    methodType: z.enum(['card', 'us_bank_account']).optional(),
  })
  .strict()
  .refine((b) => !(b.paymentMethodId && b.methodType), { message: 'Send either paymentMethodId or methodType, not both.', path: ['methodType'] });
const listQuery = z.object({ invoiceId: uuid.optional() }).strict();

/** The portal user's installation scope, limited to payments of their own client by every query below. */
function scopes(ctx: AppContext, req: Request) {
  const principal = portalOf(req);
  return { principal, scope: new InstallationScope(ctx.db, principal.installationId) };
}

async function ownPayment(scope: InstallationScope, clientId: string, paymentId: string): Promise<void> {
  const own = await scope.from('payments').where({ id: paymentId, client_id: clientId }).first('id');
  if (!own) throw new AppError('PAYMENT_NOT_FOUND');
}

export function portalPaymentRoutes(ctx: AppContext, passport: SettlePassport): Router {
  const router = Router();
  const portal = requirePortal(passport);

  router.get('/stripe', portal, async (req, res) => {
    res.json(await getStripeConfig(ctx, portalOf(req).installationId));
  });

  router.post('/payments', portal, async (req, res) => {
    const body = parseInput(createBody, req.body);
    const { principal } = scopes(ctx, req);
    const created = await createPortalPayment(ctx, {
      installationId: principal.installationId,
      clientId: principal.clientId,
      invoiceIds: body.invoiceIds,
      amounts: body.amounts,
      paymentMethodId: body.paymentMethodId,
      methodType: body.methodType,
      source: 'portal',
      actor: actorOf(principal),
      ip: requestMeta(req).ip,
      userAgent: req.get('user-agent'),
    });
    res.status(201).json(created);
  });

  router.get('/payments', portal, async (req, res) => {
    const query = parseInput(listQuery, req.query);
    const { principal, scope } = scopes(ctx, req);
    const q = scope.from('payments').where({ client_id: principal.clientId }).orderBy('created_at', 'desc').limit(100);
    if (query.invoiceId) q.whereIn('id', scope.from('allocations').where({ invoice_id: query.invoiceId }).select('payment_id'));
    const rows = (await q.select(PAYMENT_COLUMNS)) as PaymentRow[];
    res.json({ payments: await toPaymentViews(scope.db, scope.installationId, rows) });
  });

  router.get('/payments/:paymentId', portal, async (req, res) => {
    const id = uuidParam(req.params.paymentId, 'PAYMENT_NOT_FOUND');
    const { principal, scope } = scopes(ctx, req);
    const rows = (await scope.from('payments').where({ id, client_id: principal.clientId }).select(PAYMENT_COLUMNS)) as PaymentRow[];
    if (rows.length === 0) throw new AppError('PAYMENT_NOT_FOUND');
    res.json({ payment: (await toPaymentViews(scope.db, scope.installationId, rows))[0] });
  });

  router.post('/payments/:paymentId/refresh', portal, async (req, res) => {
    const id = uuidParam(req.params.paymentId, 'PAYMENT_NOT_FOUND');
    const { principal, scope } = scopes(ctx, req);
    await ownPayment(scope, principal.clientId, id);
    res.json({ payment: await refreshPayment(ctx, scope, id) });
  });

  router.post('/payments/:paymentId/cancel', portal, async (req, res) => {
    const id = uuidParam(req.params.paymentId, 'PAYMENT_NOT_FOUND');
    const { principal, scope } = scopes(ctx, req);
    await ownPayment(scope, principal.clientId, id);
    res.json({ payment: await cancelPayment(ctx, scope, id) });
  });

  router.get('/receipts/:paymentId', portal, async (req, res) => {
    const id = uuidParam(req.params.paymentId, 'PAYMENT_NOT_FOUND');
    const { principal, scope } = scopes(ctx, req);
    res.json({ receipt: await getReceipt(scope, principal.clientId, id) });
  });

  return router;
}
