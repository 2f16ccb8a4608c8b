// GET /api/app/mailbox: the demo mailbox. Any staff member in demo mode; outside demo mode admins
// only, because the emails hold live invite and password-reset links of the MSP's clients.
import { Router } from 'express';
import type { SettlePassport } from '../auth/passport-setup';
import { installationScopeOf, requireStaff } from '../auth/require-auth';
import type { AppContext } from '../http/context';
import { listMailbox } from './mailbox';

export function mailboxRoutes(ctx: AppContext, passport: SettlePassport): Router {
  const router = Router();
  const guard = ctx.config.demoMode ? requireStaff(passport) : requireStaff(passport, { roles: ['admin'] });
  router.get('/mailbox', guard, async (req, res) => {
    res.json({ emails: await listMailbox(installationScopeOf(ctx, req)), smtpConfigured: Boolean(ctx.config.mail.smtpUrl) });
  });
  return router;
}
