// Starts a signed-in session for a verified user and sets its cookie: used by password sign-in and by
// signed marketplace install/launch links. Any session this browser already had for the same
// audience ends first (a fresh token on every sign-in: no session fixation).
import type { CookieOptions, Request, Response } from 'express';
import { AppError } from '../http/app-error';
import type { AppContext } from '../http/context';
import type { PortalPrincipal, StaffPrincipal } from './principal';
import { createSession, destroySession, resolveSession, SESSION_COOKIE, sessionPolicy, type CreateSessionInput } from './sessions';

export function sessionCookieOptions(ctx: AppContext, expires: Date): CookieOptions {
  return { httpOnly: true, sameSite: 'lax', secure: ctx.config.secureCookies, path: '/', expires };
}

/** Not idempotent: each call creates a new session. Never logs the token. */
export async function startSession(
  ctx: AppContext,
  req: Request,
  res: Response,
  input: Omit<CreateSessionInput, 'ip' | 'userAgent'>,
): Promise<StaffPrincipal | PortalPrincipal> {
  const cookie = SESSION_COOKIE[input.kind];
  const options = { clock: ctx.clock, policy: sessionPolicy(ctx.config) };
  const previous = (req.cookies as Record<string, string> | undefined)?.[cookie.name];
  if (previous) {
    const old = await resolveSession(ctx.db, input.kind, previous, options);
    if (old) await destroySession(ctx.db, old.sessionId);
  }
  const session = await createSession(ctx.db, { ...input, ip: req.ip, userAgent: req.get('user-agent') }, options);
  const principal = await resolveSession(ctx.db, input.kind, session.token, options);
  if (!principal) throw new AppError('AUTH_REQUIRED');
  const table = input.kind === 'staff' ? 'staff_users' : 'portal_users';
  await ctx.db(table).where({ id: input.userId, installation_id: input.installationId }).update({ last_login_at: ctx.clock.now() });
  res.cookie(cookie.name, session.token, sessionCookieOptions(ctx, session.absoluteExpiresAt));
  return principal;
}
