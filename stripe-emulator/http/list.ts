import { z } from 'zod';
import { invalidRequest, resourceMissing } from '../core/stripe-error.js';
import { anyParam, str } from './params.js';

export const limitParam = z.string().transform((v, ctx) => {
  const n = /^-?\d+$/.test(v) ? Number(v) : NaN;
  if (Number.isNaN(n)) {
    ctx.addIssue({ code: 'custom', message: `Invalid integer: ${v}`, params: { stripeCode: 'parameter_invalid_integer' } });
    return z.NEVER;
  }
  return n;
});

/** Parameters every list endpoint accepts. */
export const listParamShape = {
  limit: limitParam.optional(),
  starting_after: str.optional(),
  ending_before: str.optional(),
  created: anyParam.optional(),
};

export interface ListOptions {
  limit?: number | undefined;
  starting_after?: string | undefined;
  ending_before?: string | undefined;
}

export interface ApiListOf<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  url: string;
}

/**
 * Cursor pagination over `items` already sorted newest first. `kind` names the resource in the
 * 404 for an unknown cursor (`No such customer: 'cus_x'`).
 */
export function paginate<T extends { id: string }>(items: T[], options: ListOptions, url: string, kind: string): ApiListOf<T> {
  const limit = options.limit ?? 10;
  if (limit < 1 || limit > 100) {
    throw invalidRequest(`Invalid limit: must be between 1 and 100`, { param: 'limit', code: 'parameter_invalid_integer' });
  }
  if (options.starting_after !== undefined && options.ending_before !== undefined) {
    throw invalidRequest('You may only specify one of these parameters: ending_before, starting_after.', { param: 'ending_before' });
  }
  if (options.starting_after !== undefined) {
    const index = items.findIndex((i) => i.id === options.starting_after);
    if (index === -1) throw resourceMissing(kind, options.starting_after, 'starting_after');
    const data = items.slice(index + 1, index + 1 + limit);
    return { object: 'list', data, has_more: index + 1 + limit < items.length, url };
  }
  if (options.ending_before !== undefined) {
    const index = items.findIndex((i) => i.id === options.ending_before);
    if (index === -1) throw resourceMissing(kind, options.ending_before, 'ending_before');
    const start = Math.max(0, index - limit);
    return { object: 'list', data: items.slice(start, index), has_more: start > 0, url };
  }
  return { object: 'list', data: items.slice(0, limit), has_more: items.length > limit, url };
}

/** Map values newest first (maps keep insertion order, which is creation order). */
export function newestFirst<T>(values: Iterable<T>): T[] {
  return Array.from(values).reverse();
}
