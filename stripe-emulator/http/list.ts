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
  /** `created=<ts>` or `created[gt|gte|lt|lte]=<ts>`, as parsed by `listParamShape`. */
  created?: unknown;
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
export function paginate<T extends { id: string }>(all: T[], options: ListOptions, url: string, kind: string): ApiListOf<T> {
  const items = options.created === undefined ? all : filterCreated(all, options.created);
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

const CREATED_OPS = ['gt', 'gte', 'lt', 'lte'] as const;

function timestamp(value: unknown, param: string): number {
  if (typeof value !== 'string' || !/^\d+$/.test(value)) {
    throw invalidRequest(`Invalid integer: ${typeof value === 'string' ? value : JSON.stringify(value)}`, { param, code: 'parameter_invalid_integer' });
  }
  return Number(value);
}

/** Applies Stripe's `created` list filter (exact timestamp or a `gt`/`gte`/`lt`/`lte` range). */
export function filterCreated<T>(items: T[], created: unknown): T[] {
  if (typeof created === 'string') {
    const at = timestamp(created, 'created');
    return items.filter((i) => (i as { created?: number }).created === at);
  }
  if (created === null || typeof created !== 'object' || Array.isArray(created)) throw invalidRequest('Invalid created: expected an integer or a hash', { param: 'created' });
  const range = created as Record<string, unknown>;
  const bounds: Partial<Record<(typeof CREATED_OPS)[number], number>> = {};
  for (const key of Object.keys(range)) {
    const op = CREATED_OPS.find((o) => o === key);
    if (!op) throw invalidRequest(`Received unknown parameter: created[${key}]`, { param: `created[${key}]`, code: 'parameter_unknown' });
    bounds[op] = timestamp(range[key], `created[${key}]`);
  }
  return items.filter((i) => {
    const c = (i as { created?: number }).created;
    if (c === undefined) return true;
    return (
      (bounds.gt === undefined || c > bounds.gt) &&
      (bounds.gte === undefined || c >= bounds.gte) &&
      (bounds.lt === undefined || c < bounds.lt) &&
      (bounds.lte === undefined || c <= bounds.lte)
    );
  });
}
