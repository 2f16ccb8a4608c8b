import { findObjectById, type AccountState } from '../core/account-state.js';
import { invalidRequest } from '../core/stripe-error.js';

type Json = Record<string, unknown>;

function expandPath(account: AccountState, value: unknown, segments: string[], full: string): unknown {
  if (segments.length === 0 || value === null || typeof value !== 'object') return value;
  const [head, ...rest] = segments as [string, ...string[]];
  const obj = value as Json;
  if (head === 'data' && obj.object === 'list' && Array.isArray(obj.data)) {
    return { ...obj, data: obj.data.map((item) => expandPath(account, item, rest, full)) };
  }
  if (!(head in obj)) throw invalidRequest(`This property cannot be expanded (${full}).`, { param: 'expand' });
  let field = obj[head];
  if (typeof field === 'string') {
    const found = findObjectById(account, field);
    if (found === undefined) throw invalidRequest(`This property cannot be expanded (${full}).`, { param: 'expand' });
    field = found;
  } else if (field !== null && typeof field !== 'object') {
    throw invalidRequest(`This property cannot be expanded (${full}).`, { param: 'expand' });
  }
  return { ...obj, [head]: expandPath(account, field, rest, full) };
}

/**
 * Applies `expand[]` paths (`customer`, `latest_charge.payment_method`, `data.customer`) to a
 * response body. Copies only along expanded paths, so stored objects are never mutated.
 */
export function applyExpand(account: AccountState, body: object, expand: string[]): object {
  let out: unknown = body;
  for (const path of expand) out = expandPath(account, out, path.split('.'), path);
  return out as object;
}
