// Setup wizard API (technician UI, admin only for changes): installation settings and the Stripe
// connection. Thin: validation, one domain call, audit.
import { Router } from 'express';
import { z } from 'zod';
import { actorOf, recordAudit, requestMeta } from '../audit/record-audit';
import type { SettlePassport } from '../auth/passport-setup';
import { installationScopeOf, requireStaff, staffOf } from '../auth/require-auth';
import { AppError } from '../http/app-error';
import type { AppContext } from '../http/context';
import { parseInput } from '../http/validate';
import { assertAcceptableKeys, checkRestrictedKey } from '../stripe/connect-restricted-key';
import { getConnectionView } from '../stripe/connection-view';
import { disconnectStripe } from '../stripe/disconnect-stripe';
import { startOAuth } from '../stripe/oauth-connect';
import { saveConnection } from '../stripe/save-connection';
import { getInstallationSettings, profileSchema, settingsSchema, updateInstallationSettings } from './installation-settings';

const restrictedKeyBody = z.object({ restrictedKey: z.string().trim().max(300), publishableKey: z.string().trim().max(300) }).strict();
const settingsBody = settingsSchema.extend(profileSchema.shape).strict();

export interface SetupHooks {
  /** Called after a connection is saved (creates Settle's webhook endpoint in the account). */
  afterConnect?: (ctx: AppContext, installationId: string) => Promise<void>;
}

export function setupRoutes(ctx: AppContext, passport: SettlePassport, hooks: SetupHooks = {}): Router {
  const router = Router();
  const staff = requireStaff(passport);
  const admin = requireStaff(passport, { roles: ['admin'] });

  router.get('/settings', staff, async (req, res) => {
    res.json({ settings: await getInstallationSettings(installationScopeOf(ctx, req)) });
  });

  router.put('/settings', admin, async (req, res) => {
    const body = parseInput(settingsBody, req.body);
    const scope = installationScopeOf(ctx, req);
    const result = await scope.transaction(async (tx) => {
      const changed = await updateInstallationSettings(tx, body, ctx.clock);
      await recordAudit(tx, { actor: actorOf(staffOf(req)), action: 'settings.updated', subjectType: 'installation', subjectId: tx.installationId, details: { before: changed.before, after: changed.after }, ...requestMeta(req) }, ctx.clock);
      return changed.after;
    });
    res.json({ settings: result });
  });

  router.get('/stripe/connection', staff, async (req, res) => {
    res.json({ connection: await getConnectionView(ctx.db, staffOf(req).installationId) });
  });

  router.post('/stripe/connection/restricted-key', admin, async (req, res) => {
    const body = parseInput(restrictedKeyBody, req.body);
    assertAcceptableKeys(body.restrictedKey, body.publishableKey);
    const report = await checkRestrictedKey(ctx, body.restrictedKey);
    if (report.missing.length > 0) {
      throw new AppError('STRIPE_KEY_MISSING_PERMISSIONS', {
        fields: report.missing.map((p) => ({ path: p.id, message: `${p.label} — needed to ${p.why}.` })),
      });
    }
    const principal = staffOf(req);
    await saveConnection(
      ctx,
      installationScopeOf(ctx, req),
      { mode: 'restricted_key', accountId: report.accountId, livemode: report.livemode, secret: body.restrictedKey, publishableKey: body.publishableKey, permissions: report.granted },
      actorOf(principal),
    );
    await hooks.afterConnect?.(ctx, principal.installationId);
    res.status(201).json({ connection: await getConnectionView(ctx.db, principal.installationId) });
  });

  router.post('/stripe/oauth/start', admin, async (req, res) => {
    res.json(await startOAuth(ctx, staffOf(req)));
  });

  // Re-creates Settle's webhook endpoint in the connected account (the Done step offers it when the
  // endpoint is missing, e.g. Stripe was unreachable right after connecting).
  router.post('/stripe/webhook-endpoint', admin, async (req, res) => {
    const principal = staffOf(req);
    await hooks.afterConnect?.(ctx, principal.installationId);
    res.json({ connection: await getConnectionView(ctx.db, principal.installationId) });
  });

  router.delete('/stripe/connection', admin, async (req, res) => {
    const principal = staffOf(req);
    const result = await disconnectStripe(ctx, principal.installationId);
    await recordAudit(installationScopeOf(ctx, req), { actor: actorOf(principal), action: 'stripe.disconnected', details: result, ...requestMeta(req) }, ctx.clock);
    res.json({ connection: await getConnectionView(ctx.db, principal.installationId) });
  });

  return router;
}
