// Public payment link API (/api/pay, no login, rate-limited) and the technician side (/api/app).
import { Router, type Request } from 'express';
import { z } from 'zod';
import { actorOf } from '../audit/record-audit';
import type { SettlePassport } from '../auth/passport-setup';
import { apiKeyOf, installationScopeOf, requireApiKey, requireStaff, staffOf } from '../auth/require-auth';
import { InstallationScope } from '../db/tenant-scope';
import { AppError } from '../http/app-error';
import type { AppContext } from '../http/context';
import { uuidParam } from '../http/params';
import { parseInput } from '../http/validate';
import { createPortalPayment, loadPaymentView, refreshPayment } from '../portal-payments/create-portal-payment';
import { getStripeConfig } from '../portal-payments/stripe-config';
import { invoiceForToken, paymentLinkFor, revokePaymentLink, type LinkedInvoice } from './payment-links';
import { hitRateLimit } from './rate-limit';

const PER_IP = { bucket: 'payment-link-ip', limit: 60, windowSeconds: 60 };
const PER_LINK = { bucket: 'payment-link-token', limit: 30, windowSeconds: 60 };
const payBody = z.object({ methodType: z.enum(['card', 'us_bank_account']) }).strict();

async function limited(ctx: AppContext, req: Request, token: string): Promise<void> {
  const now = ctx.clock.now();
  await hitRateLimit(ctx.db, PER_IP, req.ip ?? 'unknown', now);
  await hitRateLimit(ctx.db, PER_LINK, token.slice(0, 24), now);
}

/** The link's payment in flight (processing, or started and not finished), if any. */
async function linkPaymentInFlight(scope: InstallationScope, invoiceId: string) {
  const pending = (await scope.from('allocations').where({ invoice_id: invoiceId, state: 'pending' }).first('payment_id')) as { payment_id: string } | undefined;
  if (!pending) return null;
  const view = await loadPaymentView(scope, pending.payment_id);
  return view.status === 'processing' || view.status === 'requires_action' ? view : null;
}

function publicInvoice(inv: LinkedInvoice) {
  return { number: inv.number, issuedAt: inv.issued_at, dueDate: inv.due_date, total: inv.total, amountRemaining: inv.amount_remaining, currency: inv.currency, status: inv.status };
}

async function ownedByLink(scope: InstallationScope, invoiceId: string, paymentId: string): Promise<void> {
  const found = await scope.from('allocations').where({ invoice_id: invoiceId, payment_id: paymentId }).first('id');
  if (!found) throw new AppError('PAYMENT_NOT_FOUND');
}

export function paymentLinkPublicRoutes(ctx: AppContext): Router {
  const router = Router();

  router.get('/:token', async (req, res) => {
    const token = String(req.params.token);
    await limited(ctx, req, token);
    const inv = await invoiceForToken(ctx, token, { allowProcessing: true });
    const scope = new InstallationScope(ctx.db, inv.installation_id);
    const inst = (await ctx.db('installations').where({ id: inv.installation_id }).first('name')) as { name: string };
    res.json({ invoice: publicInvoice(inv), mspName: inst.name, stripe: await getStripeConfig(ctx, inv.installation_id), payment: await linkPaymentInFlight(scope, inv.id) });
  });

  router.post('/:token/payments', async (req, res) => {
    const token = String(req.params.token);
    await limited(ctx, req, token);
    const body = parseInput(payBody, req.body);
    const inv = await invoiceForToken(ctx, token, { allowProcessing: false });
    const created = await createPortalPayment(ctx, {
      installationId: inv.installation_id,
      clientId: inv.client_id,
      invoiceIds: [inv.id],
      methodType: body.methodType,
      source: 'link',
      actor: { type: 'system', id: null, label: 'payment link' },
      ip: req.ip,
      userAgent: req.get('user-agent'),
    });
    res.status(201).json(created);
  });

  router.post('/:token/payments/:paymentId/refresh', async (req, res) => {
    const token = String(req.params.token);
    await limited(ctx, req, token);
    const paymentId = uuidParam(req.params.paymentId, 'PAYMENT_NOT_FOUND');
    // Its own payment may have settled the invoice already (a webhook got there first): still answer.
    const inv = await invoiceForToken(ctx, token, { allowProcessing: true, allowSettled: true });
    const scope = new InstallationScope(ctx.db, inv.installation_id);
    await ownedByLink(scope, inv.id, paymentId);
    res.json({ payment: await refreshPayment(ctx, scope, paymentId) });
  });

  return router;
}

/**
 * For the PSA's own invoice emails: `GET /api/psa/invoices/:psaRef/payment-link` (API key). The same
 * link the technicians copy; issued on first request.
 */
export function paymentLinkPsaRoutes(ctx: AppContext, passport: SettlePassport): Router {
  const router = Router();
  router.get('/invoices/:psaRef/payment-link', requireApiKey(passport), async (req, res) => {
    const principal = apiKeyOf(req);
    const scope = new InstallationScope(ctx.db, principal.installationId);
    const psaRef = String(req.params.psaRef);
    const inv = psaRef.length <= 200 ? ((await scope.from('invoices').where({ psa_ref: psaRef }).first('id')) as { id: string } | undefined) : undefined;
    if (!inv) throw new AppError('INVOICE_NOT_FOUND');
    res.json(await paymentLinkFor(ctx, scope, inv.id, actorOf(principal)));
  });
  return router;
}

export function paymentLinkAppRoutes(ctx: AppContext, passport: SettlePassport): Router {
  const router = Router();
  const staff = requireStaff(passport);

  router.get('/invoices/:invoiceId/payment-link', staff, async (req, res) => {
    const id = uuidParam(req.params.invoiceId, 'INVOICE_NOT_FOUND');
    res.json(await paymentLinkFor(ctx, installationScopeOf(ctx, req), id, actorOf(staffOf(req))));
  });

  router.post('/invoices/:invoiceId/payment-link/revoke', staff, async (req, res) => {
    const id = uuidParam(req.params.invoiceId, 'INVOICE_NOT_FOUND');
    await revokePaymentLink(ctx, installationScopeOf(ctx, req), id, actorOf(staffOf(req)));
    res.status(204).end();
  });

  return router;
}
