// Route guards. Each resolves the caller, attaches `req.auth` and a tenant scope, and enforces
// CSRF on cookie-authenticated state-changing requests (a session-bound token in X-CSRF-Token).
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ClientScope, InstallationScope } from '../db/tenant-scope';
import { AppError } from '../http/app-error';
import type { AppContext } from '../http/context';
import { runStrategy, type SettlePassport } from './passport-setup';
import type { ApiKeyPrincipal, PortalPrincipal, StaffPrincipal, StaffRole } from './principal';
import { safeEqual } from './tokens';

declare module 'express-serve-static-core' {
  interface Request {
    auth?: StaffPrincipal | PortalPrincipal | ApiKeyPrincipal;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function assertCsrf(req: Request, expected: string): void {
  if (SAFE_METHODS.has(req.method)) return;
  const presented = req.get('x-csrf-token');
  if (!presented || !safeEqual(presented, expected)) throw new AppError('AUTH_CSRF_FAILED');
}

type Guard = (req: Request, res: Response, next: NextFunction) => Promise<void>;
const asHandler = (guard: Guard): RequestHandler => (req, res, next) => {
  guard(req, res, next).catch(next);
};

export function requireStaff(passport: SettlePassport, options: { roles?: StaffRole[] } = {}): RequestHandler {
  return asHandler(async (req, _res, next) => {
    const principal = await runStrategy<StaffPrincipal>(passport, 'staff-session', req);
    if (!principal) throw new AppError('AUTH_REQUIRED');
    assertCsrf(req, principal.csrfToken);
    if (options.roles && !options.roles.includes(principal.role)) throw new AppError('AUTH_FORBIDDEN');
    req.auth = principal;
    next();
  });
}

export function requirePortal(passport: SettlePassport): RequestHandler {
  return asHandler(async (req, _res, next) => {
    const principal = await runStrategy<PortalPrincipal>(passport, 'portal-session', req);
    if (!principal) throw new AppError('AUTH_REQUIRED');
    assertCsrf(req, principal.csrfToken);
    req.auth = principal;
    next();
  });
}

export function requireApiKey(passport: SettlePassport): RequestHandler {
  return asHandler(async (req, _res, next) => {
    const principal = await runStrategy<ApiKeyPrincipal>(passport, 'psa-api-key', req);
    if (!principal) throw new AppError('AUTH_INVALID_API_KEY', { headers: { 'WWW-Authenticate': 'Bearer realm="settle"' } });
    req.auth = principal;
    next();
  });
}

export function staffOf(req: Request): StaffPrincipal {
  if (req.auth?.kind !== 'staff') throw new AppError('AUTH_REQUIRED');
  return req.auth;
}

export function portalOf(req: Request): PortalPrincipal {
  if (req.auth?.kind !== 'portal') throw new AppError('AUTH_REQUIRED');
  return req.auth;
}

export function apiKeyOf(req: Request): ApiKeyPrincipal {
  if (req.auth?.kind !== 'api_key') throw new AppError('AUTH_INVALID_API_KEY');
  return req.auth;
}

/** The only ways routes obtain a data scope: from the authenticated principal. */
export function installationScopeOf(ctx: AppContext, req: Request): InstallationScope {
  const auth = req.auth;
  if (!auth || auth.kind === 'portal') throw new AppError('AUTH_REQUIRED');
  return new InstallationScope(ctx.db, auth.installationId);
}

export function clientScopeOf(ctx: AppContext, req: Request): ClientScope {
  const auth = portalOf(req);
  return new ClientScope(ctx.db, auth.installationId, auth.clientId);
}
