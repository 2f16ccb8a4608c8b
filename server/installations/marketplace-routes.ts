// The PSA marketplace's entry points. Install and launch are browser navigations (a signed link):
// success signs the user in and redirects into the technician UI; failure is an HTML page with the
// error's status. Uninstall is server to server (signed JSON).
import cookieParser from 'cookie-parser';
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { startSession } from '../auth/start-session';
import { AppError } from '../http/app-error';
import type { AppContext } from '../http/context';
import { messagePage } from '../http/html-page';
import { installFromMarketplace } from './install-from-marketplace';
import { launchFromMarketplace } from './launch-from-marketplace';
import { uninstallFromMarketplace } from './uninstall-from-marketplace';

function stringParams(source: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (source && typeof source === 'object') {
    for (const [k, v] of Object.entries(source)) if (typeof v === 'string' && v.length <= 500) out[k] = v;
  }
  return out;
}

/** Deep links from the PSA may only point inside the technician UI. */
function safeReturnTo(value: string | undefined): string {
  return value && /^\/app\/[A-Za-z0-9/_-]*$/.test(value) ? value : '/app/';
}

function htmlError(err: unknown, _req: Request, res: Response, next: NextFunction): void {
  if (!(err instanceof AppError)) return next(err);
  const title = err.status === 401 ? 'This link can’t be used' : err.status === 404 ? 'Settle isn’t installed' : 'Something is not right';
  res.status(err.status).type('html').send(messagePage({ title, message: err.message, detail: `Reference: ${err.code}` }));
}

export function marketplaceRoutes(ctx: AppContext): Router {
  const router = Router();
  router.use(cookieParser());
  const signed = { secret: ctx.config.marketplaceSecret, clock: ctx.clock };

  router.get('/install', async (req, res) => {
    const params = stringParams(req.query);
    const result = await installFromMarketplace(ctx.db, params, { ...signed, ip: req.ip });
    await startSession(ctx, req, res, { kind: 'staff', installationId: result.installationId, userId: result.staffUserId });
    res.redirect(302, '/app/setup');
  });

  router.get('/launch', async (req, res) => {
    const params = stringParams(req.query);
    const result = await launchFromMarketplace(ctx.db, params, { ...signed, ip: req.ip });
    await startSession(ctx, req, res, { kind: 'staff', installationId: result.installationId, userId: result.staffUserId });
    res.redirect(302, safeReturnTo(params.return_to));
  });
  router.use(htmlError);

  router.post('/uninstall', express.json({ limit: '10kb', type: 'application/json' }), async (req, res) => {
    const result = await uninstallFromMarketplace(ctx, stringParams(req.body), { ip: req.ip });
    res.json({ uninstalled: true, installationId: result.installationId, stripeDisconnected: result.stripe.disconnected, webhookEndpointDeleted: result.stripe.endpointDeleted });
  });

  return router;
}
