// Shared machinery of the PSA batch upserts: the whole-batch shape check (fails the request, nothing
// applied), per-record validation (fails only that record), the per-record result, bulk updates in
// one statement, and a transaction that is retried when a concurrent batch raced it.
import type { z } from 'zod';
import type { AuditActor } from '../audit/record-audit';
import type { InstallationScope, TenantTable } from '../db/tenant-scope';
import { retryTransaction } from '../db/retry-transaction';
import { AppError } from '../http/app-error';

export const MAX_BATCH_RECORDS = 1000;

export type RecordStatus = 'created' | 'updated' | 'unchanged' | 'error';

/** Stable per-record error codes (the request itself succeeds; these are in `results[].errors`). */
export type RecordErrorCode =
  | 'VALIDATION_FAILED'
  | 'DUPLICATE_PSA_REF'
  | 'CURRENCY_NOT_SUPPORTED'
  | 'CLIENT_NOT_FOUND'
  | 'INVOICE_VOID_HAS_PAYMENTS'
  | 'INVOICE_PAYMENT_IN_PROGRESS'
  | 'INVOICE_CLIENT_CHANGE_REFUSED';

export interface RecordError {
  path: string;
  message: string;
  code: RecordErrorCode;
}

export interface RecordResult {
  index: number;
  psaRef: string | null;
  status: RecordStatus;
  /** Settle's id of the record (absent for errors on records that do not exist). */
  id?: string;
  errors?: RecordError[];
}

export interface BatchResult {
  results: RecordResult[];
  summary: Record<RecordStatus, number>;
}

export interface BatchMeta {
  actor: AuditActor;
  ip?: string | undefined;
  requestId?: string | undefined;
}

/**
 * The batch envelope `{ <key>: [...] }`: anything else is a 400 for the whole request, before any
 * record is looked at (VALIDATION_FAILED, or PSA_BATCH_TOO_LARGE past 1,000 records).
 */
export function parseBatchEnvelope(body: unknown, key: 'clients' | 'invoices'): unknown[] {
  const isObject = typeof body === 'object' && body !== null && !Array.isArray(body);
  if (!isObject) throw new AppError('VALIDATION_FAILED', { message: `Send an object: {"${key}": [ … ]}.`, fields: [{ path: '(body)', message: `Expected {"${key}": [ … ]}.` }] });
  const extra = Object.keys(body).filter((k) => k !== key);
  if (extra.length) throw new AppError('VALIDATION_FAILED', { fields: [{ path: extra.join(', '), message: 'Unknown field.' }] });
  const list = (body as Record<string, unknown>)[key];
  if (!Array.isArray(list)) throw new AppError('VALIDATION_FAILED', { fields: [{ path: key, message: `Expected an array of up to ${MAX_BATCH_RECORDS} records.` }] });
  if (list.length > MAX_BATCH_RECORDS) {
    throw new AppError('PSA_BATCH_TOO_LARGE', { fields: [{ path: key, message: `${list.length} records; the most a batch may hold is ${MAX_BATCH_RECORDS}.` }] });
  }
  return list;
}

export type Parsed<T> = { index: number; psaRef: string | null; ok: true; value: T } | { index: number; psaRef: string | null; ok: false; errors: RecordError[] };

/** Validates each record on its own; a psaRef given twice fails every occurrence (which one is right?). */
export function parseRecords<S extends z.ZodType<{ psaRef: string }>>(items: unknown[], schema: S): Array<Parsed<z.infer<S>>> {
  const parsed = items.map((item, index): Parsed<z.infer<S>> => {
    const rawRef = typeof item === 'object' && item !== null ? (item as { psaRef?: unknown }).psaRef : undefined;
    const psaRef = typeof rawRef === 'string' ? rawRef : null;
    const result = schema.safeParse(item);
    if (result.success) return { index, psaRef: result.data.psaRef, ok: true, value: result.data };
    return { index, psaRef, ok: false, errors: zodErrors(result.error) };
  });
  const firstAt = new Map<string, number[]>();
  for (const p of parsed) if (p.ok) firstAt.set(p.value.psaRef, [...(firstAt.get(p.value.psaRef) ?? []), p.index]);
  return parsed.map((p) => {
    if (!p.ok) return p;
    const at = firstAt.get(p.value.psaRef)!;
    if (at.length === 1) return p;
    return {
      index: p.index,
      psaRef: p.psaRef,
      ok: false,
      errors: [{ path: 'psaRef', code: 'DUPLICATE_PSA_REF', message: `This psaRef appears more than once in the batch (records ${at.join(', ')}); none of them was applied.` }],
    };
  });
}

function zodErrors(error: z.ZodError): RecordError[] {
  return error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return { path: issue.keys.map((k) => [...issue.path.map(String), k].join('.')).join(', '), message: 'Unknown field.', code: 'VALIDATION_FAILED' };
    }
    return { path: issue.path.map(String).join('.') || '(record)', message: issue.message, code: 'VALIDATION_FAILED' };
  });
}

export function summarize(results: RecordResult[]): BatchResult {
  const summary: Record<RecordStatus, number> = { created: 0, updated: 0, unchanged: 0, error: 0 };
  for (const r of results) summary[r.status] += 1;
  return { results: results.sort((a, b) => a.index - b.index), summary };
}

/**
 * Updates many rows of a tenant table in one statement: `UPDATE t SET … FROM json_to_recordset($1)`.
 * `columns` names each column to set with its PostgreSQL type; every row must have `id`.
 */
export async function bulkUpdate(
  scope: InstallationScope,
  table: TenantTable,
  columns: Record<string, string>,
  rows: Array<Record<string, unknown>>,
): Promise<void> {
  const names = Object.keys(columns);
  const definition = ['id uuid', ...names.map((c) => `"${c}" ${columns[c]}`)].join(', ');
  for (let i = 0; i < rows.length; i += 1000) {
    const chunk = rows.slice(i, i + 1000);
    await scope
      .from(table)
      .updateFrom(scope.db.raw(`json_to_recordset(?::json) as v(${definition})`, [JSON.stringify(chunk)]))
      .whereRaw(`??.id = v.id`, [table])
      .update(Object.fromEntries(names.map((c) => [c, scope.db.raw(`v."${c}"`)])));
  }
}

/** Inserts in chunks (PostgreSQL allows 65,535 bind parameters per statement). */
export async function bulkInsert(scope: InstallationScope, table: TenantTable, rows: Array<Record<string, unknown>>): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) await scope.insert(table, rows.slice(i, i + 500));
}

const RETRYABLE = new Set(['23505', '40001', '40P01']); // unique violation (a racing batch inserted the same ref), serialization, deadlock

/**
 * Runs a batch in one transaction; if a concurrent batch raced it (both inserting the same new
 * psaRef), runs it again from the start — the second run sees the other's rows and updates them.
 */
export async function inBatchTransaction<T>(scope: InstallationScope, fn: (trx: InstallationScope) => Promise<T>): Promise<T> {
  return retryTransaction(scope, fn, RETRYABLE);
}

/** `YYYY-MM-DD` that is a real calendar date. */
export function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}
