// GET /api/app/dashboard: the technician UI's landing page (any staff role).
import { Router } from 'express';
import { z } from 'zod';
import type { SettlePassport } from '../auth/passport-setup';
import { installationScopeOf, requireStaff } from '../auth/require-auth';
import type { AppContext } from '../http/context';
import { parseInput } from '../http/validate';
import { getDashboard } from './get-dashboard';

const dashboardQuery = z.object({ days: z.enum(['30', '90']).default('30') }).strict();

export function dashboardRoutes(ctx: AppContext, passport: SettlePassport): Router {
  const router = Router();
  router.get('/dashboard', requireStaff(passport), async (req, res) => {
    const query = parseInput(dashboardQuery, req.query);
    res.json(await getDashboard(installationScopeOf(ctx, req), { days: query.days === '90' ? 90 : 30 }, ctx.clock));
  });
  return router;
}
