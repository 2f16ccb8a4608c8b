// Technician UI API (/api/app): staff sessions, installation scope.
import { Router } from 'express';
import { z } from 'zod';
import { actorOf, recordAudit, requestMeta } from '../audit/record-audit';
import { createApiKey, listApiKeys, revokeApiKey } from '../auth/api-keys';
import { authRoutes } from '../auth/auth-routes';
import type { SettlePassport } from '../auth/passport-setup';
import { installationScopeOf, requireStaff, staffOf } from '../auth/require-auth';
import type { AppContext } from '../http/context';
import { clockMinute, sendCachedJson, type ReadCache } from '../http/read-cache';
import { uuidParam } from '../http/params';
import { parseInput } from '../http/validate';
import { mappingRoutes } from '../mapping/mapping-routes';
import { getClient } from './get-client';
import { getInvoice } from './get-invoice';
import { clientListQuery, listClients, type ClientListQuery } from './list-clients';

const createKeyBody = z.object({ name: z.string().trim().min(1, 'Name the key, e.g. "PSA sync".').max(100) }).strict();

/** The read cache's key for a page of the clients list (within the installation's scope). */
export function clientListKey(query: ClientListQuery, now: Date): string {
  return `clients:${JSON.stringify(query)}:${clockMinute(now)}`;
}

export function appRoutes(ctx: AppContext, passport: SettlePassport, cache: ReadCache): Router {
  const router = Router();
  router.use(authRoutes(ctx, passport, 'staff'));
  router.use('/mapping', mappingRoutes(ctx, passport));

  const staff = requireStaff(passport);
  const admin = requireStaff(passport, { roles: ['admin'] });

  router.get('/clients', staff, async (req, res) => {
    const query = parseInput(clientListQuery, req.query);
    const scope = installationScopeOf(ctx, req);
    const key = clientListKey(query, ctx.clock.now());
    await sendCachedJson(req, res, cache, scope.installationId, key, () => listClients(scope, query, ctx.clock));
  });

  router.get('/clients/:clientId', staff, async (req, res) => {
    const id = uuidParam(req.params.clientId, 'CLIENT_NOT_FOUND');
    res.json(await getClient(installationScopeOf(ctx, req), id, ctx.clock));
  });

  router.get('/invoices/:invoiceId', staff, async (req, res) => {
    const id = uuidParam(req.params.invoiceId, 'INVOICE_NOT_FOUND');
    res.json(await getInvoice(installationScopeOf(ctx, req), id, ctx.clock));
  });

  router.get('/api-keys', admin, async (req, res) => {
    res.json({ apiKeys: await listApiKeys(installationScopeOf(ctx, req)) });
  });

  router.post('/api-keys', admin, async (req, res) => {
    const body = parseInput(createKeyBody, req.body);
    const principal = staffOf(req);
    const result = await installationScopeOf(ctx, req).transaction(async (scope) => {
      const created = await createApiKey(scope, { name: body.name, createdBy: principal.userId }, ctx.clock);
      await recordAudit(scope, { actor: actorOf(principal), action: 'api_key.created', subjectType: 'api_key', subjectId: created.apiKey.id, details: { name: body.name, prefix: created.apiKey.prefix }, ...requestMeta(req) }, ctx.clock);
      return created;
    });
    res.status(201).json(result);
  });

  router.delete('/api-keys/:keyId', admin, async (req, res) => {
    const id = uuidParam(req.params.keyId, 'API_KEY_NOT_FOUND');
    const principal = staffOf(req);
    await installationScopeOf(ctx, req).transaction(async (scope) => {
      const key = await revokeApiKey(scope, id, ctx.clock);
      await recordAudit(scope, { actor: actorOf(principal), action: 'api_key.revoked', subjectType: 'api_key', subjectId: id, details: { name: key.name, prefix: key.prefix }, ...requestMeta(req) }, ctx.clock);
    });
    res.status(204).end();
  });

  return router;
}
