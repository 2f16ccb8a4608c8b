import { z } from 'zod';
import { AppError, type ErrorCode } from './app-error';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A path id that is not a UUID cannot name anything: answer the resource's 404, not a 500. */
export function uuidParam(value: unknown, notFound: ErrorCode): string {
  if (typeof value !== 'string' || !UUID.test(value)) throw new AppError(notFound);
  return value.toLowerCase();
}

export const pageQuery = {
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(25),
};
