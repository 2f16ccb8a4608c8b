import type { AccountState, RefundRecord } from '../../core/account-state.js';
import { resourceMissing } from '../../core/stripe-error.js';
import { listParamShape, newestFirst, paginate } from '../../http/list.js';
import { applyMetadata, int, metadata, obj, oneOf, parseParams, str, anyParam } from '../../http/params.js';
import type { Route } from '../../http/router.js';
import { createRefund } from './create-refund.js';

const createSchema = obj({
  charge: str.optional(),
  payment_intent: str.optional(),
  amount: int.optional(),
  reason: oneOf(['duplicate', 'fraudulent', 'requested_by_customer']).optional(),
  metadata: metadata.optional(),
  instructions_email: str.optional(),
  refund_application_fee: anyParam.optional(),
  reverse_transfer: anyParam.optional(),
  origin: str.optional(),
  customer: str.optional(),
});
const updateSchema = obj({ metadata: metadata.optional() });
const listSchema = obj({ ...listParamShape, charge: str.optional(), payment_intent: str.optional() });

function getRefund(account: AccountState, id: string): RefundRecord {
  const rec = account.refunds.get(id);
  if (!rec) throw resourceMissing('refund', id);
  return rec;
}

export const refundRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/v1/refunds',
    handler: ({ em, account, params }) => {
      const p = parseParams(createSchema, params);
      return createRefund(em, account, { charge: p.charge, payment_intent: p.payment_intent, amount: p.amount, reason: p.reason, metadata: applyMetadata(null, p.metadata) });
    },
  },
  {
    method: 'GET',
    pattern: '/v1/refunds/:id',
    handler: ({ account, params, path: [id = ''] }) => {
      parseParams(obj({}), params);
      return getRefund(account, id).object;
    },
  },
  {
    method: 'POST',
    pattern: '/v1/refunds/:id',
    handler: ({ em, account, params, path: [id = ''] }) => {
      const p = parseParams(updateSchema, params);
      const refund = getRefund(account, id).object;
      refund.metadata = applyMetadata(refund.metadata, p.metadata);
      em.changed();
      return refund;
    },
  },
  {
    method: 'GET',
    pattern: '/v1/refunds',
    handler: ({ account, params, url }) => {
      const p = parseParams(listSchema, params);
      const items = newestFirst(account.refunds.values())
        .map((r) => r.object)
        .filter((r) => (p.charge === undefined || r.charge === p.charge) && (p.payment_intent === undefined || r.payment_intent === p.payment_intent));
      return paginate(items, p, url, 'refund');
    },
  },
];
