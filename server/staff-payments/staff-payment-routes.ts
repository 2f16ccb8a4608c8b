// Payments across clients for technicians (any staff role): the list and its CSV export.
import { Router } from 'express';
import type { SettlePassport } from '../auth/passport-setup';
import { installationScopeOf, requireStaff } from '../auth/require-auth';
import type { AppContext } from '../http/context';
import { parseInput } from '../http/validate';
import { localDate } from '../installations/local-date';
import { exportPaymentsCsv, paymentExportQuery } from './export-payments-csv';
import { listPayments, paymentListQuery } from './list-payments';

export function staffPaymentRoutes(ctx: AppContext, passport: SettlePassport): Router {
  const router = Router();
  const staff = requireStaff(passport);

  router.get('/payments', staff, async (req, res) => {
    const query = parseInput(paymentListQuery, req.query);
    res.json(await listPayments(installationScopeOf(ctx, req), query));
  });

  router.get('/payments/export.csv', staff, async (req, res) => {
    const filters = parseInput(paymentExportQuery, req.query);
    const scope = installationScopeOf(ctx, req);
    res.status(200);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="settle-payments-${localDate(ctx.clock.now(), 'UTC')}.csv"`);
    try {
      await exportPaymentsCsv(scope, filters, res);
      res.end();
    } catch (err) {
      // Headers and rows are already on their way: cut the download short rather than end it looking complete.
      ctx.logger.error({ err }, 'payments export failed');
      res.destroy(err as Error);
    }
  });

  return router;
}
