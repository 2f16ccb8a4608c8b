import type Stripe from 'stripe';
import type { AccountState, Rec } from '../../core/account-state.js';
import { resourceMissing } from '../../core/stripe-error.js';
import { listParamShape, newestFirst, paginate } from '../../http/list.js';
import { bool, metadata, obj, parseParams, str, anyParam } from '../../http/params.js';
import type { Route } from '../../http/router.js';
import { closeDispute, updateDispute } from './respond-to-dispute.js';

const listSchema = obj({ ...listParamShape, charge: str.optional(), payment_intent: str.optional() });
const updateSchema = obj({ evidence: anyParam.optional(), metadata: metadata.optional(), submit: bool.optional(), intended_submission_method: str.optional() });

function getDispute(account: AccountState, id: string): Rec<Stripe.Dispute> {
  const rec = account.disputes.get(id);
  if (!rec) throw resourceMissing('dispute', id, 'dispute');
  return rec;
}

function evidenceInput(raw: unknown): Record<string, string> | undefined {
  if (raw === undefined || raw === null || typeof raw !== 'object') return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) if (typeof v === 'string') out[k] = v;
  return out;
}

export const disputeRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/v1/disputes/:id',
    handler: ({ account, params, path: [id = ''] }) => {
      parseParams(obj({}), params);
      return getDispute(account, id).object;
    },
  },
  {
    method: 'GET',
    pattern: '/v1/disputes',
    handler: ({ account, params, url }) => {
      const p = parseParams(listSchema, params);
      const items = newestFirst(account.disputes.values())
        .map((r) => r.object)
        .filter((d) => (p.charge === undefined || d.charge === p.charge) && (p.payment_intent === undefined || d.payment_intent === p.payment_intent));
      return paginate(items, p, url, 'dispute');
    },
  },
  {
    method: 'POST',
    pattern: '/v1/disputes/:id',
    handler: ({ em, account, params, path: [id = ''] }) => {
      const p = parseParams(updateSchema, params);
      return updateDispute(em, account, getDispute(account, id).object, { evidence: evidenceInput(p.evidence), metadata: p.metadata, submit: p.submit });
    },
  },
  {
    method: 'POST',
    pattern: '/v1/disputes/:id/close',
    handler: ({ em, account, params, path: [id = ''] }) => {
      parseParams(obj({}), params);
      return closeDispute(em, account, getDispute(account, id).object);
    },
  },
];
