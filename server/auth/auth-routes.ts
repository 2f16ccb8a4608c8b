// Sign-in, session and sign-out for one audience (staff at /api/app, client contacts at
// /api/portal). Thin: validation, one passport strategy, session creation, audit.
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { actorOf, recordAudit, requestMeta } from '../audit/record-audit';
import { InstallationScope } from '../db/tenant-scope';
import { AppError } from '../http/app-error';
import type { AppContext } from '../http/context';
import { parseInput } from '../http/validate';
import { runStrategy, type SettlePassport, type VerifiedLogin } from './passport-setup';
import type { PortalPrincipal, StaffPrincipal } from './principal';
import { requirePortal, requireStaff } from './require-auth';
import { portalSessionView, staffSessionView } from './session-view';
import { destroySession, SESSION_COOKIE, type SessionKind } from './sessions';
import { startSession } from './start-session';

const loginSchema = z
  .object({
    email: z.email('Enter a valid email address.').max(254),
    password: z.string().min(1, 'Enter your password.').max(1024),
  })
  .strict();

export function authRoutes(ctx: AppContext, passport: SettlePassport, kind: SessionKind): Router {
  const router = Router();
  const cookie = SESSION_COOKIE[kind];
  const guard = kind === 'staff' ? requireStaff(passport) : requirePortal(passport);
  const view = (p: StaffPrincipal | PortalPrincipal) =>
    p.kind === 'staff' ? staffSessionView(ctx.db, p) : portalSessionView(ctx.db, p);

  router.post('/login', async (req: Request, res: Response) => {
    const body = parseInput(loginSchema, req.body);
    req.body = body;
    const verified = await runStrategy<VerifiedLogin>(passport, `${kind}-password`, req);
    if (!verified) throw new AppError('AUTH_INVALID_CREDENTIALS');
    const principal = await startSession(ctx, req, res, verified);
    const scope = new InstallationScope(ctx.db, verified.installationId);
    await recordAudit(scope, { actor: actorOf(principal), action: 'auth.login', clientId: verified.clientId ?? null, ...requestMeta(req) }, ctx.clock);
    res.json(await view(principal));
  });

  router.get('/session', guard, async (req: Request, res: Response) => {
    res.json(await view(req.auth as StaffPrincipal | PortalPrincipal));
  });

  router.post('/logout', guard, async (req: Request, res: Response) => {
    const principal = req.auth as StaffPrincipal | PortalPrincipal;
    await destroySession(ctx.db, principal.sessionId);
    await recordAudit(
      new InstallationScope(ctx.db, principal.installationId),
      { actor: actorOf(principal), action: 'auth.logout', clientId: principal.kind === 'portal' ? principal.clientId : null, ...requestMeta(req) },
      ctx.clock,
    );
    res.clearCookie(cookie.name, { path: '/' });
    res.status(204).end();
  });

  return router;
}
