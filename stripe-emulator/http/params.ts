import { z } from 'zod';
import { StripeError } from '../core/stripe-error.js';
import { formatParamPath, type FormObject } from './parse-form.js';

/**
 * Zod building blocks for form-encoded Stripe parameters (every value arrives as a string) and the
 * mapping from a Zod issue to Stripe's error wording. Schemas are strict: an unknown key is a 400
 * `Received unknown parameter: x`.
 */
export const str = z.string();

export const int = z.string().transform((v, ctx) => {
  if (!/^-?\d+$/.test(v)) {
    ctx.addIssue({ code: 'custom', message: `Invalid integer: ${v}`, params: { stripeCode: 'parameter_invalid_integer' } });
    return z.NEVER;
  }
  return Number(v);
});

export const bool = z.string().transform((v, ctx) => {
  if (v === 'true') return true;
  if (v === 'false') return false;
  ctx.addIssue({ code: 'custom', message: `Invalid boolean: ${v}` });
  return z.NEVER;
});

/** A string enum with Stripe's "Invalid x: must be one of a, b" message. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.string().transform((v, ctx) => {
    if (!(values as readonly string[]).includes(v)) {
      ctx.addIssue({ code: 'custom', message: `must be one of ${values.join(', ')}`, params: { enumMessage: true } });
      return z.NEVER;
    }
    return v as T[number];
  });
}

/** Accepts `x=a` as well as `x[0]=a`. */
export function arrayOf<T extends z.ZodType>(item: T) {
  return z.preprocess((v) => (typeof v === 'string' ? (v === '' ? [] : [v]) : v), z.array(item));
}

/** Metadata: set keys, unset a key with an empty value, unset all with `metadata=`. */
export const metadata = z.union([z.literal(''), z.record(z.string(), z.string())]);

/** Stripe's "Emptyable": an empty string clears the field. */
export function emptyable<T extends z.ZodType>(schema: T) {
  return z.union([z.literal(''), schema]);
}

export const obj = z.strictObject;

/** Accepts anything (parameters that exist in Stripe's API but the emulator stores or ignores as-is). */
export const anyParam = z.unknown();

export const addressParam = obj({
  city: str.optional(),
  country: str.optional(),
  line1: str.optional(),
  line2: str.optional(),
  postal_code: str.optional(),
  state: str.optional(),
});

/** For `'' | {...}` unions, report the issue of the object branch (it names the bad key). */
function unwrapUnion(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  if (issue.code !== 'invalid_union') return issue;
  for (const branch of [...issue.errors].reverse()) {
    const inner = branch[0];
    if (inner && !(inner.code === 'invalid_value' && inner.values.includes(''))) {
      return unwrapUnion({ ...inner, path: [...issue.path, ...inner.path] } as z.core.$ZodIssue);
    }
  }
  return issue;
}

function issueToError(rawIssue: z.core.$ZodIssue, input: unknown): StripeError {
  const issue = unwrapUnion(rawIssue);
  const path = issue.path;
  if (issue.code === 'unrecognized_keys') {
    const param = formatParamPath([...path, issue.keys[0] ?? '']);
    return new StripeError(
      400,
      { type: 'invalid_request_error', code: 'parameter_unknown', message: `Received unknown parameter: ${param}`, param },
      { replayable: false },
    );
  }
  const param = formatParamPath(path);
  let value: unknown = input;
  for (const p of path) value = value && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[p] : undefined;
  if (value === undefined && issue.code !== 'custom') {
    return new StripeError(
      400,
      { type: 'invalid_request_error', code: 'parameter_missing', message: `Missing required param: ${param}.`, param },
      { replayable: false },
    );
  }
  let message: string;
  let code = 'parameter_invalid';
  if (issue.code === 'custom') {
    const params = (issue.params ?? {}) as { stripeCode?: string; enumMessage?: boolean };
    message = params.enumMessage ? `Invalid ${param}: ${issue.message}` : issue.message;
    if (params.stripeCode) code = params.stripeCode;
  } else if (Array.isArray(value)) {
    message = `Invalid ${param}: expected a single value, got an array`;
  } else if (typeof value === 'object') {
    message = `Invalid ${param}: expected a string, got an object`;
  } else {
    message = issue.message.startsWith('Invalid') ? `Invalid ${param}` : `Invalid ${param}: ${issue.message}`;
    if (issue.code === 'invalid_type' && issue.expected === 'object') message = 'Invalid object';
    if (issue.code === 'invalid_type' && issue.expected === 'array') message = 'Invalid array';
  }
  return new StripeError(400, { type: 'invalid_request_error', code, message, param }, { replayable: false });
}

/** Parses request parameters with `schema`; throws a Stripe-shaped 400 on the first problem. */
export function parseParams<T extends z.ZodType>(schema: T, params: FormObject): z.output<T> {
  const result = schema.safeParse(params);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (!issue) throw new StripeError(400, { type: 'invalid_request_error', message: 'Invalid request' }, { replayable: false });
  throw issueToError(issue, params);
}

/** Applies a metadata parameter to existing metadata (Stripe semantics). */
export function applyMetadata(current: Record<string, string> | null, update: '' | Record<string, string> | undefined): Record<string, string> {
  if (update === undefined) return current ?? {};
  if (update === '') return {};
  const next: Record<string, string> = { ...(current ?? {}) };
  for (const [k, v] of Object.entries(update)) {
    if (v === '') delete next[k];
    else next[k] = v;
  }
  return next;
}
