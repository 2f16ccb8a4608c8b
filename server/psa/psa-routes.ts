// Machine API for the PSA (/api/psa): API-key auth, installation scope. The sync endpoints
// (clients, invoices, payments) build on this; `GET /installation` lets a PSA check its key.
import { Router } from 'express';
import { apiKeyOf, requireApiKey } from '../auth/require-auth';
import type { SettlePassport } from '../auth/passport-setup';
import type { AppContext } from '../http/context';

export function psaRoutes(ctx: AppContext, passport: SettlePassport): Router {
  const router = Router();
  router.use(requireApiKey(passport));

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

  return router;
}
