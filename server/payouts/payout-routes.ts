// Technician UI API for payouts (/api/app/payouts): list by arrival date, one payout with its
// balance transactions, and the accountant's CSV per payout or per date range.
import { Router, type Response } from 'express';
import { z } from 'zod';
import type { SettlePassport } from '../auth/passport-setup';
import { installationScopeOf, requireStaff } from '../auth/require-auth';
import type { AppContext } from '../http/context';
import { uuidParam } from '../http/params';
import { parseInput } from '../http/validate';
import { payoutCsv } from './payout-csv';
import { getPayout, listPayouts, payoutTransactions } from './payout-views';

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Use a date like 2026-12-05.')
  .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), 'Not a real date.');
const rangeQuery = z
  .object({ from: day.optional(), to: day.optional() })
  .strict()
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'The start date must be on or before the end date.', path: ['to'] });

function sendCsv(res: Response, filename: string, body: string): void {
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
  res.send(body);
}

export function payoutRoutes(ctx: AppContext, passport: SettlePassport): Router {
  const router = Router();
  const staff = requireStaff(passport);

  router.get('/payouts', staff, async (req, res) => {
    const range = parseInput(rangeQuery, req.query);
    res.json({ payouts: await listPayouts(installationScopeOf(ctx, req), range) });
  });

  router.get('/payouts/export.csv', staff, async (req, res) => {
    const range = parseInput(rangeQuery, req.query);
    const scope = installationScopeOf(ctx, req);
    const payouts = (await listPayouts(scope, range)).reverse();
    const transactions = await payoutTransactions(scope, payouts.map((p) => p.id));
    sendCsv(res, `payouts_${range.from ?? 'start'}_${range.to ?? 'today'}.csv`, payoutCsv(payouts.map((payout) => ({ payout, transactions: transactions.get(payout.id)! }))));
  });

  router.get('/payouts/:payoutId', staff, async (req, res) => {
    const id = uuidParam(req.params.payoutId, 'PAYOUT_NOT_FOUND');
    res.json(await getPayout(installationScopeOf(ctx, req), id));
  });

  router.get('/payouts/:payoutId/export.csv', staff, async (req, res) => {
    const id = uuidParam(req.params.payoutId, 'PAYOUT_NOT_FOUND');
    const detail = await getPayout(installationScopeOf(ctx, req), id);
    sendCsv(res, `payout_${detail.payout.stripePayoutId}.csv`, payoutCsv([detail]));
  });

  return router;
}
