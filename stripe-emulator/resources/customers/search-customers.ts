import type Stripe from 'stripe';
import { invalidRequest } from '../../core/stripe-error.js';

/**
 * A subset of Stripe's Search Query Language for customers: clauses `field:'value'` (exact,
 * case-insensitive), `field~'value'` (substring, ≥3 chars), `-field:'value'` (negation),
 * `metadata['key']:'value'`, `created>unix` (`<`, `>=`, `<=`), joined by AND or by OR (not both).
 */
export interface Clause {
  field: string;
  metadataKey: string | null;
  op: ':' | '~' | '>' | '<' | '>=' | '<=';
  value: string;
  negate: boolean;
}

const CLAUSE = /^\s*(-)?([a-z_]+)(?:\[['"]([^'"]+)['"]\])?\s*(:|~|>=|<=|>|<)\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|(-?\d+))\s*/;
const FIELDS = new Set(['email', 'name', 'phone', 'metadata', 'created']);

export function parseCustomerQuery(query: string): { clauses: Clause[]; joiner: 'AND' | 'OR' } {
  return parseSearchQuery(query, FIELDS, 'customers');
}

/** The query language over a resource's searchable `fields` (`resource` names it in errors). */
export function parseSearchQuery(query: string, fields: ReadonlySet<string>, resource: string): { clauses: Clause[]; joiner: 'AND' | 'OR' } {
  const clauses: Clause[] = [];
  const joiners = new Set<'AND' | 'OR'>();
  let rest = query;
  for (;;) {
    const m = CLAUSE.exec(rest);
    if (!m) throw invalidRequest(`Invalid query: could not parse '${query}'.`, { param: 'query' });
    const field = m[2] ?? '';
    if (!fields.has(field)) throw invalidRequest(`Field '${field}' is an unsupported search field for ${resource}.`, { param: 'query' });
    const value = (m[5] ?? m[6] ?? m[7] ?? '').replace(/\\(.)/g, '$1');
    clauses.push({ field, metadataKey: m[3] ?? null, op: m[4] as Clause['op'], value, negate: m[1] === '-' });
    rest = rest.slice(m[0].length);
    if (rest.trim() === '') break;
    const j = /^(AND|OR)\s+/i.exec(rest);
    if (!j) throw invalidRequest(`Invalid query: could not parse '${query}'.`, { param: 'query' });
    joiners.add((j[1] ?? 'AND').toUpperCase() as 'AND' | 'OR');
    rest = rest.slice(j[0].length);
  }
  if (joiners.size > 1) throw invalidRequest('Invalid query: AND and OR cannot be combined.', { param: 'query' });
  for (const c of clauses) {
    if (c.op === '~' && c.value.length < 3) throw invalidRequest('Substring search requires at least 3 characters.', { param: 'query' });
  }
  return { clauses, joiner: joiners.has('OR') ? 'OR' : 'AND' };
}

const NUMERIC: ReadonlySet<string> = new Set(['created']);

/** Whether an object (with `created` and `metadata`) satisfies one clause; `numericFields` compare as numbers. */
export function matchesClause(c: Clause, customer: { created: number; metadata: Stripe.Metadata }, numericFields: ReadonlySet<string> = NUMERIC): boolean {
  if (numericFields.has(c.field)) {
    const n = Number(c.value);
    const t = Number((customer as unknown as Record<string, unknown>)[c.field]);
    const ok = c.op === '>' ? t > n : c.op === '<' ? t < n : c.op === '>=' ? t >= n : c.op === '<=' ? t <= n : t === n;
    return ok !== c.negate;
  }
  const raw =
    c.field === 'metadata'
      ? (customer.metadata[c.metadataKey ?? ''] ?? null)
      : ((customer as unknown as Record<string, string | null | undefined>)[c.field] ?? null);
  const value = raw?.toLowerCase() ?? null;
  const want = c.value.toLowerCase();
  let ok: boolean;
  if (c.op === ':') ok = value === want;
  else if (c.op === '~') ok = value !== null && value.includes(want);
  else ok = false;
  return ok !== c.negate;
}

export function filterCustomers(customers: Stripe.Customer[], query: string): Stripe.Customer[] {
  const { clauses, joiner } = parseCustomerQuery(query);
  return customers.filter((c) => (joiner === 'AND' ? clauses.every((cl) => matchesClause(cl, c)) : clauses.some((cl) => matchesClause(cl, c))));
}
