import type Stripe from 'stripe';
import { resourceMissing } from '../../core/stripe-error.js';
import { listParamShape, paginate } from '../../http/list.js';
import { obj, parseParams, str } from '../../http/params.js';
import type { Route } from '../../http/router.js';
import { materializeBalanceTransactions } from './materialize-balance-transactions.js';

const listSchema = obj({ ...listParamShape, payout: str.optional(), type: str.optional(), currency: str.optional(), source: str.optional() });

/** Newest first, ties by id (several transactions share a second). */
const newest = (a: Stripe.BalanceTransaction, b: Stripe.BalanceTransaction) => b.created - a.created || (a.id < b.id ? 1 : -1);

export const balanceTransactionRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/v1/balance_transactions',
    handler: ({ account, params, url }) => {
      const p = parseParams(listSchema, params);
      materializeBalanceTransactions(account);
      const items = [...account.balanceTransactions.values()]
        .filter((r) => p.payout === undefined || r.meta.payoutId === p.payout)
        .map((r) => r.object)
        .filter((t) => (p.type === undefined || t.type === p.type) && (p.currency === undefined || t.currency === p.currency) && (p.source === undefined || t.source === p.source))
        .sort(newest);
      return paginate(items, p, url, 'balance_transaction');
    },
  },
  {
    method: 'GET',
    pattern: '/v1/balance_transactions/:id',
    handler: ({ account, params, path: [id = ''] }) => {
      parseParams(obj({}), params);
      materializeBalanceTransactions(account);
      const rec = account.balanceTransactions.get(id);
      if (!rec) throw resourceMissing('balance_transaction', id, 'id');
      return rec.object;
    },
  },
  {
    method: 'GET',
    pattern: '/v1/balance',
    handler: ({ account, params }) => {
      parseParams(obj({}), params);
      materializeBalanceTransactions(account);
      const available = new Map<string, number>();
      for (const r of account.balanceTransactions.values()) {
        if (r.meta.payoutId !== null) continue;
        available.set(r.object.currency, (available.get(r.object.currency) ?? 0) + r.object.net);
      }
      const amounts = [...available].map(([currency, amount]) => ({ amount, currency, source_types: { card: amount } }));
      return { object: 'balance', available: amounts, pending: amounts.map((a) => ({ ...a, amount: 0 })), livemode: false } as unknown as Stripe.Balance;
    },
  },
];
