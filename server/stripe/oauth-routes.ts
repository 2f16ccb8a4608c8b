// The browser lands here from Stripe's authorize page. Staff session cookie required; the outcome
// is a redirect back into the setup wizard, or an HTML page saying what went wrong.
import cookieParser from 'cookie-parser';
import { Router, type NextFunction, type Request, type Response } from 'express';
import { runStrategy, type SettlePassport } from '../auth/passport-setup';
import type { StaffPrincipal } from '../auth/principal';
import { AppError } from '../http/app-error';
import type { AppContext } from '../http/context';
import { messagePage } from '../http/html-page';
import type { SetupHooks } from '../installations/setup-routes';
import { completeOAuth } from './oauth-connect';

export function oauthRoutes(ctx: AppContext, passport: SettlePassport, hooks: SetupHooks = {}): Router {
  const router = Router();
  router.use(cookieParser());
  router.get('/callback', async (req: Request, res: Response) => {
    const principal = await runStrategy<StaffPrincipal>(passport, 'staff-session', req);
    if (!principal) throw new AppError('AUTH_REQUIRED', { message: 'Your Settle session ended while you were at Stripe. Sign in and connect again.' });
    if (principal.role !== 'admin') throw new AppError('AUTH_FORBIDDEN');
    const q = req.query as Record<string, unknown>;
    const str = (k: string) => (typeof q[k] === 'string' ? (q[k] as string) : undefined);
    if (str('error') === 'access_denied' && str('state')) {
      await completeOAuth(ctx, principal, { state: str('state')!, error: 'access_denied' }).catch(() => undefined);
      res.redirect(302, '/app/setup?stripe=denied');
      return;
    }
    await completeOAuth(ctx, principal, { state: str('state') ?? '', code: str('code'), error: str('error') });
    await hooks.afterConnect?.(ctx, principal.installationId);
    res.redirect(302, '/app/setup?stripe=connected');
  });
  router.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (!(err instanceof AppError)) return next(err);
    res.status(err.status).type('html').send(messagePage({ title: 'Stripe was not connected', message: err.message, detail: `Reference: ${err.code}`, link: { href: '/app/setup', label: 'Back to setup' } }));
  });
  return router;
}
