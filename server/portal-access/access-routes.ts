// Portal access over HTTP. Technicians (/api/app, any role): list, invite, resend, revoke a client's
// portal users, plus the demo mailbox. Public (/api/portal, no session): open and accept an invite,
// ask for and use a password reset link; accepting and resetting sign the person in exactly as the
// sign-in form does (fresh session cookie, audited `auth.login`).
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { recordAudit, requestMeta } from '../audit/record-audit';
import { recordLoginAttempt } from '../auth/login-throttle';
import type { SettlePassport } from '../auth/passport-setup';
import { PASSWORD_MIN_LENGTH } from '../auth/passwords';
import type { PortalPrincipal } from '../auth/principal';
import { installationScopeOf, requireStaff, staffOf } from '../auth/require-auth';
import { portalSessionView } from '../auth/session-view';
import { startSession } from '../auth/start-session';
import { InstallationScope } from '../db/tenant-scope';
import { mailboxRoutes } from '../email/mailbox-routes';
import type { AppContext } from '../http/context';
import { uuidParam } from '../http/params';
import { parseInput } from '../http/validate';
import { acceptInvite, completePasswordReset, getInvite, requestPasswordReset, type LinkedUser } from './portal-links';
import { invitePortalUser, listPortalUsers, resendInvite, revokePortalUser } from './portal-users';
import { assertResetAllowed } from './reset-throttle';

const password = z
  .string({ error: 'Choose a password.' })
  .min(PASSWORD_MIN_LENGTH, `Use at least ${PASSWORD_MIN_LENGTH} characters.`)
  .max(1024, 'Use at most 1,024 characters.');
const name = z.string().trim().min(1, 'Enter a name.').max(200, 'Use at most 200 characters.');

const inviteBody = z
  .object({
    email: z.email('Enter a valid email address.').max(254).optional(),
    name: name.optional(),
    contactId: z.uuid('Choose one of this client’s contacts.').optional(),
  })
  .strict();
const acceptBody = z.object({ password, name: name.optional() }).strict();
const resetRequestBody = z.object({ email: z.email('Enter a valid email address.').max(254) }).strict();
const resetBody = z.object({ password }).strict();

export function portalAccessAppRoutes(ctx: AppContext, passport: SettlePassport): Router {
  const router = Router();
  const staff = requireStaff(passport);
  const links = () => ({ publicUrl: ctx.config.publicUrl, clock: ctx.clock });
  router.use(mailboxRoutes(ctx, passport));

  router.get('/clients/:clientId/portal-users', staff, async (req, res) => {
    const clientId = uuidParam(req.params.clientId, 'CLIENT_NOT_FOUND');
    res.json({ portalUsers: await listPortalUsers(installationScopeOf(ctx, req), clientId, ctx.clock) });
  });

  router.post('/clients/:clientId/portal-users', staff, async (req, res) => {
    const clientId = uuidParam(req.params.clientId, 'CLIENT_NOT_FOUND');
    const body = parseInput(inviteBody, req.body);
    const portalUser = await invitePortalUser(installationScopeOf(ctx, req), clientId, body, { principal: staffOf(req), ...requestMeta(req) }, links());
    res.status(201).json({ portalUser });
  });

  router.post('/clients/:clientId/portal-users/:portalUserId/resend', staff, async (req, res) => {
    const clientId = uuidParam(req.params.clientId, 'CLIENT_NOT_FOUND');
    const id = uuidParam(req.params.portalUserId, 'PORTAL_USER_NOT_FOUND');
    const portalUser = await resendInvite(installationScopeOf(ctx, req), clientId, id, { principal: staffOf(req), ...requestMeta(req) }, links());
    res.json({ portalUser });
  });

  router.delete('/clients/:clientId/portal-users/:portalUserId', staff, async (req, res) => {
    const clientId = uuidParam(req.params.clientId, 'CLIENT_NOT_FOUND');
    const id = uuidParam(req.params.portalUserId, 'PORTAL_USER_NOT_FOUND');
    await revokePortalUser(installationScopeOf(ctx, req), clientId, id, { principal: staffOf(req), ...requestMeta(req) }, ctx.clock);
    res.status(204).end();
  });

  return router;
}

export function portalAccessPublicRoutes(ctx: AppContext): Router {
  const router = Router();

  /** As POST /login does: a fresh session (any earlier one of this browser ends), audited. */
  async function signIn(req: Request, res: Response, user: LinkedUser): Promise<void> {
    const principal = (await startSession(ctx, req, res, { kind: 'portal', userId: user.id, installationId: user.installationId, clientId: user.clientId })) as PortalPrincipal;
    await recordLoginAttempt(ctx.db, { kind: 'portal', email: user.email, ip: req.ip, succeeded: true }, ctx.clock);
    await recordAudit(
      new InstallationScope(ctx.db, user.installationId),
      { actor: { type: 'portal', id: user.id, label: user.email }, action: 'auth.login', clientId: user.clientId, ...requestMeta(req) },
      ctx.clock,
    );
    res.json(await portalSessionView(ctx.db, principal));
  }

  router.get('/invites/:token', async (req, res) => {
    res.json(await getInvite(ctx.db, String(req.params.token), ctx.clock));
  });

  router.post('/invites/:token/accept', async (req, res) => {
    const body = parseInput(acceptBody, req.body);
    const user = await acceptInvite(ctx.db, String(req.params.token), body, { ...requestMeta(req), clock: ctx.clock });
    await signIn(req, res, user);
  });

  router.post('/password-reset', async (req, res) => {
    const body = parseInput(resetRequestBody, req.body);
    await assertResetAllowed(ctx.db, { email: body.email, ip: req.ip }, { clock: ctx.clock, policy: ctx.config.login });
    await requestPasswordReset(ctx.db, body.email, { publicUrl: ctx.config.publicUrl, ...requestMeta(req), clock: ctx.clock });
    res.status(202).json({ message: 'If an account uses this email, we sent it a link to choose a new password. The link works for 1 hour.' });
  });

  router.post('/password-reset/:token', async (req, res) => {
    const body = parseInput(resetBody, req.body);
    const user = await completePasswordReset(ctx.db, String(req.params.token), body.password, { ...requestMeta(req), clock: ctx.clock });
    await signIn(req, res, user);
  });

  return router;
}

/**
 * Request logs show paths; invite and reset tokens in them are replaced by `[token]` (a leaked log
 * must not hand out portal accounts).
 */
export function redactLinkTokens(path: string | undefined): string | undefined {
  return path?.replace(/\/(invites?|reset-password|password-reset|setup)\/[A-Za-z0-9_-]{16,}/g, '/$1/[token]');
}
