// Technician UI API for the ledger (/api/app): client credit, offline payments, payment detail and
// refunds, disputes, the exceptions queue, re-running reconciliation, the consistency check and the
// refund limit. Thin: parse, call one domain function, answer JSON.
import { Router } from 'express';
import { z } from 'zod';
import { actorOf, requestMeta } from '../audit/record-audit';
import type { SettlePassport } from '../auth/passport-setup';
import { installationScopeOf, requireStaff, staffOf } from '../auth/require-auth';
import type { AppContext } from '../http/context';
import { uuidParam } from '../http/params';
import { parseInput } from '../http/validate';
import { applyCredit } from './apply-credit';
import { checkLedgerConsistency } from './check-ledger-consistency';
import { disputeEvidenceBody, getDisputeEvidence, submitDisputeEvidence } from './dispute-evidence';
import { getLedgerSettings, updateLedgerSettings } from './ledger-settings';
import { getException, listExceptions } from './list-exceptions';
import { getClientLedger, getPaymentDetail, listDisputes } from './payment-views';
import { defaultMatcher } from './reconcile-payment';
import { reconcilePending } from './reconcile-pending';
import { offlinePaymentSchema, recordOfflinePayment } from './record-offline-payment';
import { refundPayment } from './refund-payment';
import { resolveException, type ExceptionAction } from './resolve-exception';

const cents = z.number().int('Use a whole number of cents.').positive('Use an amount above zero.');
const applyCreditBody = z.object({ invoiceId: z.string().uuid(), amount: cents.optional() }).strict();
const refundBody = z
  .object({
    requestId: z.string().uuid(),
    amount: cents,
    reason: z.string().trim().min(3, 'Say why you are refunding (the client and your accountant will ask).').max(500),
  })
  .strict();
const splitItems = z.array(z.object({ invoiceId: z.string().uuid(), amount: cents }).strict()).min(1, 'Add at least one invoice.').max(100);
const actionBodies = {
  'apply-suggestion': z.object({ index: z.number().int().min(0).max(50) }).strict(),
  split: z.object({ clientId: z.string().uuid().optional(), splits: splitItems }).strict(),
  credit: z.object({ clientId: z.string().uuid().optional() }).strict(),
  assign: z.object({ clientId: z.string().uuid() }).strict(),
};
const statusQuery = z.object({ status: z.enum(['open', 'resolved']).default('open') }).strict();
const disputeQuery = z.object({ status: z.enum(['open', 'all']).default('open') }).strict();
const settingsBody = z.object({ refundTechnicianLimit: z.number().int().min(0).max(100_000_000_00).nullable() }).strict();

export function ledgerRoutes(ctx: AppContext, passport: SettlePassport): Router {
  const router = Router();
  const staff = requireStaff(passport);
  const admin = requireStaff(passport, { roles: ['admin'] });
  const meta = (req: Parameters<typeof staffOf>[0]) => ({ audit: actorOf(staffOf(req)), ...requestMeta(req) });

  router.get('/clients/:clientId/ledger', staff, async (req, res) => {
    const id = uuidParam(req.params.clientId, 'CLIENT_NOT_FOUND');
    res.json(await getClientLedger(installationScopeOf(ctx, req), id));
  });

  router.post('/clients/:clientId/credit/apply', staff, async (req, res) => {
    const clientId = uuidParam(req.params.clientId, 'CLIENT_NOT_FOUND');
    const body = parseInput(applyCreditBody, req.body);
    const principal = staffOf(req);
    const result = await installationScopeOf(ctx, req).transaction((tx) =>
      applyCredit(tx, { clientId, invoiceId: body.invoiceId, amount: body.amount, actor: { kind: 'staff', id: principal.userId }, ...meta(req) }, ctx.clock),
    );
    res.json({ applied: result.applied, ledger: await getClientLedger(installationScopeOf(ctx, req), clientId) });
  });

  router.post('/payments/offline', staff, async (req, res) => {
    const body = parseInput(offlinePaymentSchema, req.body);
    const result = await recordOfflinePayment(installationScopeOf(ctx, req), body, { staffId: staffOf(req).userId, matcher: defaultMatcher, ...meta(req) }, ctx.clock);
    res.status(result.created ? 201 : 200).json({ outcome: result.outcome, payment: await getPaymentDetail(installationScopeOf(ctx, req), result.paymentId) });
  });

  router.get('/payments/:paymentId', staff, async (req, res) => {
    const id = uuidParam(req.params.paymentId, 'PAYMENT_NOT_FOUND');
    res.json({ payment: await getPaymentDetail(installationScopeOf(ctx, req), id) });
  });

  router.post('/payments/:paymentId/refunds', staff, async (req, res) => {
    const paymentId = uuidParam(req.params.paymentId, 'PAYMENT_NOT_FOUND');
    const body = parseInput(refundBody, req.body);
    const principal = staffOf(req);
    const refund = await refundPayment(ctx, installationScopeOf(ctx, req), {
      refundId: body.requestId, paymentId, amount: body.amount, reason: body.reason, staff: { id: principal.userId, role: principal.role }, ...meta(req),
    });
    res.status(201).json({ refund, payment: await getPaymentDetail(installationScopeOf(ctx, req), paymentId) });
  });

  router.get('/disputes', staff, async (req, res) => {
    const q = parseInput(disputeQuery, req.query);
    res.json({ disputes: await listDisputes(installationScopeOf(ctx, req), q.status) });
  });

  router.get('/disputes/:disputeId/evidence', staff, async (req, res) => {
    const id = uuidParam(req.params.disputeId, 'DISPUTE_NOT_FOUND');
    res.json(await getDisputeEvidence(installationScopeOf(ctx, req), id, ctx.clock));
  });

  router.post('/disputes/:disputeId/evidence', staff, async (req, res) => {
    const id = uuidParam(req.params.disputeId, 'DISPUTE_NOT_FOUND');
    const body = parseInput(disputeEvidenceBody, req.body);
    res.json(await submitDisputeEvidence(ctx, installationScopeOf(ctx, req), id, body, meta(req)));
  });

  router.get('/exceptions', staff, async (req, res) => {
    const q = parseInput(statusQuery, req.query);
    res.json({ exceptions: await listExceptions(installationScopeOf(ctx, req), q.status) });
  });

  router.get('/exceptions/:exceptionId', staff, async (req, res) => {
    const id = uuidParam(req.params.exceptionId, 'EXCEPTION_NOT_FOUND');
    res.json({ exception: await getException(installationScopeOf(ctx, req), id) });
  });

  for (const name of Object.keys(actionBodies) as Array<keyof typeof actionBodies>) {
    router.post(`/exceptions/:exceptionId/${name}`, staff, async (req, res) => {
      const id = uuidParam(req.params.exceptionId, 'EXCEPTION_NOT_FOUND');
      const action = toAction(name, req.body);
      const result = await resolveException(installationScopeOf(ctx, req), id, action, { staffId: staffOf(req).userId, matcher: defaultMatcher, ...meta(req) }, ctx.clock);
      res.json({ status: result.status, exception: await getException(installationScopeOf(ctx, req), id), payment: await getPaymentDetail(installationScopeOf(ctx, req), result.paymentId) });
    });
  }

  router.post('/ledger/reconcile', staff, async (req, res) => {
    parseInput(z.object({}).strict(), req.body);
    res.json(await reconcilePending(installationScopeOf(ctx, req), { matcher: defaultMatcher, actor: { kind: 'staff', id: staffOf(req).userId } }, ctx.clock));
  });

  router.get('/ledger/consistency', admin, async (req, res) => {
    res.json(await checkLedgerConsistency(installationScopeOf(ctx, req)));
  });

  router.get('/ledger/settings', staff, async (req, res) => {
    res.json({ settings: await getLedgerSettings(installationScopeOf(ctx, req)) });
  });

  router.put('/ledger/settings', admin, async (req, res) => {
    const body = parseInput(settingsBody, req.body);
    const m = meta(req);
    res.json({ settings: await updateLedgerSettings(installationScopeOf(ctx, req), body, { actor: m.audit, ip: m.ip, requestId: m.requestId }, ctx.clock) });
  });

  return router;
}

function toAction(name: keyof typeof actionBodies, body: unknown): ExceptionAction {
  switch (name) {
    case 'apply-suggestion':
      return { kind: 'apply_suggestion', index: parseInput(actionBodies['apply-suggestion'], body).index };
    case 'split': {
      const b = parseInput(actionBodies.split, body);
      return { kind: 'split', clientId: b.clientId, splits: b.splits };
    }
    case 'credit':
      return { kind: 'credit', clientId: parseInput(actionBodies.credit, body).clientId };
    case 'assign':
      return { kind: 'assign', clientId: parseInput(actionBodies.assign, body).clientId };
    default: {
      const never: never = name;
      throw new Error(`unknown action ${String(never)}`);
    }
  }
}
