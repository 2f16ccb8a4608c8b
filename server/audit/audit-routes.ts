// The audit log page's API (any staff role): entries with filters, and the filters' choices.
import { Router } from 'express';
import type { SettlePassport } from '../auth/passport-setup';
import { installationScopeOf, requireStaff } from '../auth/require-auth';
import type { AppContext } from '../http/context';
import { parseInput } from '../http/validate';
import { auditFilterOptions, auditListQuery, listAuditEntries } from './list-audit-entries';

export function auditRoutes(ctx: AppContext, passport: SettlePassport): Router {
  const router = Router();
  const staff = requireStaff(passport);

  router.get('/audit', staff, async (req, res) => {
    const query = parseInput(auditListQuery, req.query);
    res.json(await listAuditEntries(installationScopeOf(ctx, req), query));
  });

  router.get('/audit/filters', staff, async (req, res) => {
    res.json(await auditFilterOptions(installationScopeOf(ctx, req)));
  });

  return router;
}
