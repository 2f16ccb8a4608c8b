import type Stripe from 'stripe';
import { obj, parseParams } from '../../http/params.js';
import type { Route } from '../../http/router.js';

/** `GET /v1/account`: the account the key acts on, with the fields Settle reads. */
export const accountRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/v1/account',
    handler: ({ account, params }) => {
      parseParams(obj({}), params);
      return {
        id: account.id,
        object: 'account',
        business_type: 'company',
        capabilities: { card_payments: 'active', transfers: 'active', us_bank_account_ach_payments: 'active' },
        charges_enabled: true,
        country: 'US',
        created: 1_700_000_000,
        default_currency: 'usd',
        details_submitted: true,
        email: null,
        payouts_enabled: true,
        type: 'standard',
        metadata: {},
      } as unknown as Stripe.Account;
    },
  },
];
