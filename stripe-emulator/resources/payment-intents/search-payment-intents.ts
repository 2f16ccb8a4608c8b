import type Stripe from 'stripe';
import { matchesClause, parseSearchQuery } from '../customers/search-customers.js';

/**
 * Stripe's PaymentIntent search (`GET /v1/payment_intents/search`): the customer search language over
 * `amount`, `created` (numbers: `:`, `>`, `<`, `>=`, `<=`), `currency`, `customer`, `status` and
 * `metadata['key']`. Real Stripe's search index lags writes by up to a minute; the emulator's does not.
 */
const FIELDS = new Set(['amount', 'created', 'currency', 'customer', 'status', 'metadata']);
const NUMERIC = new Set(['amount', 'created']);

export function filterPaymentIntents(intents: Stripe.PaymentIntent[], query: string): Stripe.PaymentIntent[] {
  const { clauses, joiner } = parseSearchQuery(query, FIELDS, 'payment_intents');
  const test = (pi: Stripe.PaymentIntent) => {
    const row = { ...pi, customer: typeof pi.customer === 'string' ? pi.customer : (pi.customer?.id ?? null) };
    return (cl: (typeof clauses)[number]) => matchesClause(cl, row, NUMERIC);
  };
  return intents.filter((pi) => (joiner === 'AND' ? clauses.every(test(pi)) : clauses.some(test(pi))));
}
