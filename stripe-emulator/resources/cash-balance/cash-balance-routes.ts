import { resourceMissing } from '../../core/stripe-error.js';
import { listParamShape, newestFirst, paginate } from '../../http/list.js';
import { int, obj, oneOf, parseParams, str } from '../../http/params.js';
import type { Route } from '../../http/router.js';
import { liveCustomer } from '../payment-methods/attach-payment-method.js';
import { cashBalanceFor, fundCashBalance } from './fund-cash-balance.js';

const fundSchema = obj({ amount: int, currency: str, reference: str.optional() });
const updateSchema = obj({ settings: obj({ reconciliation_mode: oneOf(['automatic', 'manual', 'merchant_default']).optional() }).optional() });

export const cashBalanceRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/v1/test_helpers/customers/:id/fund_cash_balance',
    handler: ({ em, account, params, path: [id = ''] }) => {
      const p = parseParams(fundSchema, params);
      return fundCashBalance(em, account, liveCustomer(account, id, 'customer').object.id, p);
    },
  },
  {
    method: 'GET',
    pattern: '/v1/customers/:id/cash_balance',
    handler: ({ em, account, params, path: [id = ''] }) => {
      parseParams(obj({}), params);
      return cashBalanceFor(em, account, liveCustomer(account, id, 'customer').object.id).object;
    },
  },
  {
    method: 'POST',
    pattern: '/v1/customers/:id/cash_balance',
    handler: ({ em, account, params, path: [id = ''] }) => {
      const p = parseParams(updateSchema, params);
      const balance = cashBalanceFor(em, account, liveCustomer(account, id, 'customer').object.id).object;
      const mode = p.settings?.reconciliation_mode;
      if (mode) {
        balance.settings = mode === 'merchant_default' ? { reconciliation_mode: 'automatic', using_merchant_default: true } : { reconciliation_mode: mode, using_merchant_default: false };
        em.changed();
      }
      return balance;
    },
  },
  {
    method: 'GET',
    pattern: '/v1/customers/:id/cash_balance_transactions',
    handler: ({ account, params, url, path: [id = ''] }) => {
      const p = parseParams(obj(listParamShape), params);
      liveCustomer(account, id, 'customer');
      const items = newestFirst(account.cashBalanceTransactions.values())
        .map((r) => r.object)
        .filter((t) => t.customer === id);
      return paginate(items, p, url, 'customer_cash_balance_transaction');
    },
  },
  {
    method: 'GET',
    pattern: '/v1/customers/:id/cash_balance_transactions/:txn',
    handler: ({ account, params, path: [id = '', txnId = ''] }) => {
      parseParams(obj({}), params);
      liveCustomer(account, id, 'customer');
      const rec = account.cashBalanceTransactions.get(txnId);
      if (!rec || rec.object.customer !== id) throw resourceMissing('customer_cash_balance_transaction', txnId);
      return rec.object;
    },
  },
];
