import type { z } from 'zod';
import { AppError, type FieldError } from './app-error';

function toFields(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.') || '(body)';
    if (issue.code === 'unrecognized_keys') {
      return { path: issue.keys.map((k) => [...issue.path.map(String), k].join('.')).join(', '), message: 'Unknown field.' };
    }
    return { path, message: issue.message };
  });
}

/** Parses input with a zod schema; failures become 400 VALIDATION_FAILED naming each field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input ?? {});
  if (!result.success) {
    throw new AppError('VALIDATION_FAILED', { fields: toFields(result.error) });
  }
  return result.data;
}
