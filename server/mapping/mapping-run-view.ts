// Mapping import runs as the technician UI sees them (a progress bar needs status and counts).
import type { InstallationScope } from '../db/tenant-scope';

export type MappingRunStatus = 'queued' | 'fetching' | 'suggesting' | 'done' | 'failed';
export const ACTIVE_RUN_STATUSES: readonly MappingRunStatus[] = ['queued', 'fetching', 'suggesting'];
/** A run in progress whose worker has not reported for this long is presumed dead (resumable). */
export const STALE_AFTER_MS = 2 * 60_000;

export interface MappingRunRow {
  id: string;
  installation_id: string;
  status: MappingRunStatus;
  customers_fetched: number;
  list_calls: number;
  cursor: string | null;
  fetched_all: boolean;
  clients_considered: number | null;
  suggestions_count: number | null;
  attempts: number;
  started_by: string | null;
  started_at: Date | null;
  heartbeat_at: Date | null;
  finished_at: Date | null;
  error: string | null;
  created_at: Date;
}

export interface MappingRunView {
  id: string;
  status: MappingRunStatus;
  customersFetched: number;
  listCalls: number;
  /** Customers known from earlier runs: the denominator of the progress bar while fetching (null: unknown). */
  estimatedCustomers: number | null;
  clientsConsidered: number | null;
  suggestionsCount: number | null;
  startedAt: string | null;
  finishedAt: string | null;
  /** In progress, but no worker has reported for a while (it can be resumed). */
  stale: boolean;
  error: string | null;
}

export function isStale(run: MappingRunRow, now: Date): boolean {
  if (!ACTIVE_RUN_STATUSES.includes(run.status)) return false;
  const last = run.heartbeat_at ?? run.created_at;
  return now.getTime() - last.getTime() > STALE_AFTER_MS;
}

export function toRunView(run: MappingRunRow, now: Date, estimatedCustomers: number | null): MappingRunView {
  return {
    id: run.id,
    status: run.status,
    customersFetched: run.customers_fetched,
    listCalls: run.list_calls,
    estimatedCustomers,
    clientsConsidered: run.clients_considered,
    suggestionsCount: run.suggestions_count,
    startedAt: run.started_at?.toISOString() ?? null,
    finishedAt: run.finished_at?.toISOString() ?? null,
    stale: isStale(run, now),
    error: run.error,
  };
}

export async function latestRun(scope: InstallationScope): Promise<MappingRunRow | null> {
  const row = (await scope.from('mapping_runs').orderBy('seq', 'desc').first()) as MappingRunRow | undefined;
  return row ?? null;
}

/**
 * The denominator of the progress bar: how many customers the previous complete import read
 * (Stripe's list API gives no total). Null on the first import (the bar is then indeterminate).
 */
export async function estimateCustomers(scope: InstallationScope, run: MappingRunRow): Promise<number | null> {
  if (run.status === 'done') return run.customers_fetched;
  const previous = (await scope
    .from('mapping_runs')
    .where({ status: 'done' })
    .whereNot('mapping_runs.id', run.id)
    .orderBy('seq', 'desc')
    .first('customers_fetched')) as { customers_fetched: number } | undefined;
  return previous ? Math.max(previous.customers_fetched, run.customers_fetched) : null;
}

/** The latest run of the installation with its progress, or null before the first import. Read-only. */
export async function getMappingProgress(scope: InstallationScope, now: Date): Promise<{ run: MappingRunView | null }> {
  const run = await latestRun(scope);
  if (!run) return { run: null };
  return { run: toRunView(run, now, await estimateCustomers(scope, run)) };
}
