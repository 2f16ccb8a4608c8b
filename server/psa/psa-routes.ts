// Machine API for the PSA (/api/psa): API-key auth, installation scope. Batch upserts of clients and
// invoices (a result per record), the payments feed, and `GET /installation` to check a key.
import express, { Router } from 'express';
import { z } from 'zod';
import { actorOf, requestMeta } from '../audit/record-audit';
import { apiKeyOf, installationScopeOf, requireApiKey } from '../auth/require-auth';
import type { SettlePassport } from '../auth/passport-setup';
import type { AppContext } from '../http/context';
import { parseInput } from '../http/validate';
import { listPaymentsSince } from './list-payments-since';
import { parseBatchEnvelope } from './psa-batch';
import { upsertClients } from './upsert-clients';
import { upsertInvoices } from './upsert-invoices';

/** 1,000 records with contacts exceed the default body limit; only authenticated PSA calls get this. */
export const PSA_BODY_LIMIT = '5mb';

const paymentsQuery = z
  .object({
    since: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();

export function psaRoutes(ctx: AppContext, passport: SettlePassport): Router {
  const router = Router();
  router.use(requireApiKey(passport));
  // Parsed after the key is checked, so an anonymous caller cannot make us parse 5 MB.
  router.use(express.json({ limit: PSA_BODY_LIMIT, strict: true, type: 'application/json' }));

  router.get('/installation', async (req, res) => {
    const key = apiKeyOf(req);
    const inst = (await ctx.db('installations').where({ id: key.installationId }).first('id', 'name', 'psa_tenant_ref', 'currency', 'timezone')) as {
      id: string;
      name: string;
      psa_tenant_ref: string;
      currency: string;
      timezone: string;
    };
    res.json({
      installation: { id: inst.id, name: inst.name, psaTenantRef: inst.psa_tenant_ref, currency: inst.currency, timezone: inst.timezone },
      apiKey: { id: key.apiKeyId, name: key.name },
    });
  });

  router.post('/clients', async (req, res) => {
    const records = parseBatchEnvelope(req.body, 'clients');
    res.json(await upsertClients(installationScopeOf(ctx, req), records, { actor: actorOf(apiKeyOf(req)), ...requestMeta(req) }, ctx.clock));
  });

  router.post('/invoices', async (req, res) => {
    const records = parseBatchEnvelope(req.body, 'invoices');
    res.json(await upsertInvoices(installationScopeOf(ctx, req), records, { actor: actorOf(apiKeyOf(req)), ...requestMeta(req) }, ctx.clock));
  });

  router.get('/payments', async (req, res) => {
    const query = parseInput(paymentsQuery, req.query);
    res.json(await listPaymentsSince(installationScopeOf(ctx, req), query));
  });

  return router;
}
