// Client mapping API (/api/app/mapping): admins only. Thin: parse, call one domain function, answer.
import { Router, type Request } from 'express';
import { z } from 'zod';
import { actorOf, requestMeta } from '../audit/record-audit';
import type { SettlePassport } from '../auth/passport-setup';
import { installationScopeOf, requireStaff, staffOf } from '../auth/require-auth';
import type { AppContext } from '../http/context';
import { pageQuery, uuidParam } from '../http/params';
import { parseInput } from '../http/validate';
import { acceptSuggestions } from './accept-suggestions';
import { createCustomerForClient } from './create-customer-for-client';
import { listMappingClients } from './list-mapping-clients';
import { mapClientToCustomer } from './map-client-to-customer';
import { estimateCustomers, getMappingProgress, toRunView } from './mapping-run-view';
import { dispatchMappingImport } from './run-mapping-import';
import { searchStripeCustomers } from './search-stripe-customers';
import { setClientMappingStatus, type MappingStatusAction } from './set-client-mapping-status';
import { startMappingImport } from './start-mapping-import';

const empty = z.object({}).strict();
const listQuery = z.object({ status: z.enum(['all', 'unmapped', 'mapped', 'ignored']).default('all'), search: z.string().max(200).optional(), ...pageQuery }).strict();
const acceptBody = z.union([
  z.object({ minConfidence: z.number().min(0.5, 'Accept only suggestions of at least 50% confidence.').max(1) }).strict(),
  z.object({ clientIds: z.array(z.uuid()).min(1).max(1000) }).strict(),
]);
const customerId = z.string().trim().regex(/^cus_[A-Za-z0-9]{1,250}$/, 'A Stripe customer id looks like cus_…');
const mapBody = z.object({ customerId }).strict();
const searchQuery = z.object({ q: z.string().trim().min(2, 'Type at least 2 characters.').max(100) }).strict();

const meta = (req: Request) => ({ actor: actorOf(staffOf(req)), ...requestMeta(req) });

export function mappingRoutes(ctx: AppContext, passport: SettlePassport): Router {
  const router = Router();
  const admin = requireStaff(passport, { roles: ['admin'] });

  router.post('/import', admin, async (req, res) => {
    parseInput(empty, req.body);
    const scope = installationScopeOf(ctx, req);
    await ctx.stripe.connectionFor(ctx.db, scope.installationId);
    const started = await startMappingImport(scope, { ...meta(req), startedBy: staffOf(req).userId }, ctx.clock);
    if (started.dispatch) await dispatchMappingImport(ctx, { installationId: scope.installationId, runId: started.run.id });
    res.status(202).json({ run: toRunView(started.run, ctx.clock.now(), await estimateCustomers(scope, started.run)), resumed: started.resumed });
  });

  router.get('/import', admin, async (req, res) => {
    parseInput(empty, req.query);
    res.json(await getMappingProgress(installationScopeOf(ctx, req), ctx.clock.now()));
  });

  router.get('/clients', admin, async (req, res) => {
    const query = parseInput(listQuery, req.query);
    res.json(await listMappingClients(installationScopeOf(ctx, req), query));
  });

  router.post('/accept', admin, async (req, res) => {
    const body = parseInput(acceptBody, req.body);
    res.json(await acceptSuggestions(installationScopeOf(ctx, req), body, meta(req), ctx.clock));
  });

  router.post('/clients/:clientId/map', admin, async (req, res) => {
    const clientId = uuidParam(req.params.clientId, 'CLIENT_NOT_FOUND');
    const body = parseInput(mapBody, req.body);
    res.json({ client: await mapClientToCustomer(ctx, installationScopeOf(ctx, req), { ...meta(req), clientId, customerId: body.customerId }) });
  });

  router.post('/clients/:clientId/create-customer', admin, async (req, res) => {
    const clientId = uuidParam(req.params.clientId, 'CLIENT_NOT_FOUND');
    parseInput(empty, req.body);
    const { reused, ...client } = await createCustomerForClient(ctx, installationScopeOf(ctx, req), { ...meta(req), clientId });
    res.status(reused ? 200 : 201).json({ client, reused });
  });

  for (const action of ['ignore', 'unignore', 'unmap'] as const satisfies readonly MappingStatusAction[]) {
    router.post(`/clients/:clientId/${action}`, admin, async (req, res) => {
      const clientId = uuidParam(req.params.clientId, 'CLIENT_NOT_FOUND');
      parseInput(empty, req.body);
      res.json({ client: await setClientMappingStatus(installationScopeOf(ctx, req), { ...meta(req), clientId, action }, ctx.clock) });
    });
  }

  router.get('/customers/search', admin, async (req, res) => {
    const { q } = parseInput(searchQuery, req.query);
    res.json(await searchStripeCustomers(ctx, installationScopeOf(ctx, req), q));
  });

  return router;
}
