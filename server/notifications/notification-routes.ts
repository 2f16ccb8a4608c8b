// Routes of the notifications module (thin: parse, call one domain function, answer JSON):
// - public, no login: the unsubscribe link's page data and its actions, including RFC 8058 one-click
//   (`POST` with `List-Unsubscribe=One-Click`, form-encoded, from the mail provider);
// - portal: completing an automatic charge that needs the client's authentication;
// - technicians: why a client's autopay is paused.
import express, { Router } from 'express';
import { actorOf, requestMeta } from '../audit/record-audit';
import type { SettlePassport } from '../auth/passport-setup';
import { clientScopeOf, installationScopeOf, portalOf, requirePortal, requireStaff } from '../auth/require-auth';
import type { AppContext } from '../http/context';
import { uuidParam } from '../http/params';
import { getPaymentAuthentication, startPaymentAuthentication } from './authenticate-payment';
import { getAutopayPause } from './autopay-pause-view';
import { getEmailPreference, setEmailPreference } from './email-preferences';

/** Request logs keep unsubscribe links out (they name an address and act without a login). */
export function redactUnsubscribeTokens(path: string | undefined): string | undefined {
  return path?.replace(/\/unsubscribe\/[A-Za-z0-9_.-]{16,}/g, '/unsubscribe/[token]');
}

/** Mounted at /api/email ahead of the JSON-only rule: one-click unsubscribes arrive form-encoded. */
export function emailPreferenceRoutes(ctx: AppContext): Router {
  const router = Router();
  // The body carries nothing we need (`List-Unsubscribe=One-Click` at most); read and bounded only.
  const body = [express.urlencoded({ extended: false, limit: '2kb' }), express.json({ limit: '2kb' })];
  const keys = ctx.config.encryptionKeys;
  router.get('/unsubscribe/:token', async (req, res) => {
    res.json({ preference: await getEmailPreference(ctx.db, keys, String(req.params.token)) });
  });
  router.post('/unsubscribe/:token', ...body, async (req, res) => {
    const oneClick = (req.body as Record<string, unknown> | undefined)?.['List-Unsubscribe'] === 'One-Click';
    res.json({ preference: await setEmailPreference(ctx.db, keys, String(req.params.token), false, { clock: ctx.clock, ...requestMeta(req), oneClick }) });
  });
  router.post('/unsubscribe/:token/resubscribe', ...body, async (req, res) => {
    res.json({ preference: await setEmailPreference(ctx.db, keys, String(req.params.token), true, { clock: ctx.clock, ...requestMeta(req) }) });
  });
  return router;
}

/** Mounted at /api/portal. */
export function paymentAuthenticationRoutes(ctx: AppContext, passport: SettlePassport): Router {
  const router = Router();
  const portal = requirePortal(passport);
  router.get('/authentications/:paymentId', portal, async (req, res) => {
    const id = uuidParam(req.params.paymentId, 'PAYMENT_NOT_FOUND');
    res.json({ authentication: await getPaymentAuthentication(ctx, clientScopeOf(ctx, req), id) });
  });
  router.post('/authentications/:paymentId/start', portal, async (req, res) => {
    const id = uuidParam(req.params.paymentId, 'PAYMENT_NOT_FOUND');
    res.json(await startPaymentAuthentication(ctx, clientScopeOf(ctx, req), id, { ...actorOf(portalOf(req)), ip: requestMeta(req).ip }));
  });
  return router;
}

/** Mounted at /api/app. */
export function notificationAppRoutes(ctx: AppContext, passport: SettlePassport): Router {
  const router = Router();
  router.get('/clients/:clientId/autopay-pause', requireStaff(passport), async (req, res) => {
    const id = uuidParam(req.params.clientId, 'CLIENT_NOT_FOUND');
    res.json(await getAutopayPause(installationScopeOf(ctx, req), id));
  });
  return router;
}
