import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { Emulator } from '../../core/emulator.js';
import { resourceMissing, StripeError } from '../../core/stripe-error.js';
import { authenticate } from '../../http/authenticate.js';
import { listParamShape, newestFirst, paginate } from '../../http/list.js';
import { obj, parseParams, str } from '../../http/params.js';
import type { Route } from '../../http/router.js';
import { createAutomaticPayout } from './create-automatic-payout.js';

const listSchema = obj({ ...listParamShape, status: str.optional(), arrival_date: str.optional() });

export const payoutRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/v1/payouts',
    handler: ({ account, params, url }) => {
      const p = parseParams(listSchema, params);
      const items = newestFirst(account.payouts.values())
        .map((r) => r.object)
        .filter((po) => p.status === undefined || po.status === p.status);
      return paginate(items, p, url, 'payout');
    },
  },
  {
    method: 'GET',
    pattern: '/v1/payouts/:id',
    handler: ({ account, params, path: [id = ''] }) => {
      parseParams(obj({}), params);
      const rec = account.payouts.get(id);
      if (!rec) throw resourceMissing('payout', id, 'payout');
      return rec.object;
    },
  },
];

const runSchema = z.strictObject({ currency: z.string().regex(/^[a-z]{3}$/).default('usd') });

/**
 * `POST /_emulator/payouts` (authenticated like the API: `Authorization: Bearer sk_test_…`, optional
 * `Stripe-Account`), body `{currency?}`: runs the automatic payout of the account's available
 * balance now (see createAutomaticPayout) and answers the payout.
 */
export function payoutControlHandler(em: Emulator) {
  return (req: IncomingMessage, res: ServerResponse, url: URL, body: string): boolean => {
    if (req.method !== 'POST' || url.pathname !== '/_emulator/payouts') return false;
    let status = 200;
    let out: unknown;
    try {
      const auth = authenticate(em, req.headers.authorization, req.headers['stripe-account'] as string | undefined);
      const parsed = runSchema.safeParse(body ? JSON.parse(body) : {});
      if (!parsed.success) {
        status = 400;
        out = { error: { message: z.prettifyError(parsed.error) } };
      } else {
        out = createAutomaticPayout(em, auth.account, parsed.data.currency);
      }
    } catch (err) {
      if (err instanceof SyntaxError) {
        status = 400;
        out = { error: { message: 'Body must be JSON' } };
      } else if (err instanceof StripeError) {
        status = err.status;
        out = err.toBody();
      } else throw err;
    }
    const text = JSON.stringify(out);
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) }).end(text);
    return true;
  };
}
