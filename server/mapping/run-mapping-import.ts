// The mapping import: list every Stripe customer (100 per page), store each page in
// stripe_customer_cache together with the run's cursor in one transaction, then compute
// suggestions for the unmapped clients. A run that dies at any point resumes from its cursor:
// pages already stored are not fetched again and cache rows are upserts, so nothing is duplicated.
import Stripe from 'stripe';
import { InstallationScope } from '../db/tenant-scope';
import { AppError } from '../http/app-error';
import type { AppContext } from '../http/context';
import { isMissingResource, isUniqueViolation } from './stripe-call';
import { ACTIVE_RUN_STATUSES, type MappingRunRow } from './mapping-run-view';
import { suggestMatches, type PsaClientInput, type StripeCustomerInput } from './suggest-matches';

export const MAPPING_IMPORT_JOB = 'mapping.import';
export const PAGE_SIZE = 100;

export interface MappingImportJobData {
  installationId: string;
  runId: string;
}

export interface RunMappingImportHooks {
  /** Called after each page is stored (tests use it to simulate a crash between pages). */
  afterPage?: (info: { page: number; cursor: string | null }) => Promise<void> | void;
}

/** Another worker took the run over (its cursor moved under us): stop without touching it. */
class RunTakenOver extends Error {}

type CustomerRow = { customer_id: string; name: string | null; email: string | null; metadata: Record<string, string> | string };

/**
 * Runs (or resumes) one import run to completion. Idempotent: a finished run is left alone, a
 * failed or abandoned one continues from its cursor, two workers on one run never double-count.
 * Never writes to Stripe and never changes a client's mapping (it only stores suggestions).
 */
export async function runMappingImport(ctx: AppContext, data: MappingImportJobData, hooks: RunMappingImportHooks = {}): Promise<MappingRunRow['status'] | 'skipped'> {
  const scope = new InstallationScope(ctx.db, data.installationId);
  const runs = () => scope.from('mapping_runs').where('mapping_runs.id', data.runId);
  const run = (await runs().first()) as MappingRunRow | undefined;
  if (!run || run.status === 'done') return run?.status ?? 'skipped';

  const phase = run.fetched_all ? 'suggesting' : 'fetching';
  try {
    const claimed = await runs()
      .where('status', run.status)
      .update({ status: phase, attempts: ctx.db.raw('attempts + 1'), heartbeat_at: ctx.clock.now(), started_at: run.started_at ?? ctx.clock.now(), error: null, updated_at: ctx.clock.now() });
    if (claimed === 0) return 'skipped';
  } catch (err) {
    // A failed run resuming while a newer run is active: the newer one wins.
    if (isUniqueViolation(err)) return 'skipped';
    throw err;
  }

  try {
    if (phase === 'fetching') await fetchCustomers(ctx, scope, run, hooks);
    await computeSuggestions(ctx, scope, data.runId);
    return 'done';
  } catch (err) {
    if (err instanceof RunTakenOver) return 'skipped';
    const message = err instanceof AppError ? err.message : err instanceof Stripe.errors.StripeError ? `Stripe: ${err.message}` : 'The import stopped unexpectedly.';
    await runs()
      .whereIn('status', ACTIVE_RUN_STATUSES)
      .update({ status: 'failed', error: message.slice(0, 500), updated_at: ctx.clock.now() })
      .catch(() => undefined);
    ctx.logger.warn({ err, runId: data.runId }, 'mapping import stopped; it resumes from its cursor');
    throw err;
  }
}

async function fetchCustomers(ctx: AppContext, scope: InstallationScope, run: MappingRunRow, hooks: RunMappingImportHooks): Promise<void> {
  const { stripe } = await ctx.stripe.forInstallation(ctx.db, scope.installationId);
  let cursor = run.cursor;
  for (let page = 1; ; page++) {
    let list: Stripe.ApiList<Stripe.Customer>;
    try {
      list = await stripe.customers.list({ limit: PAGE_SIZE, ...(cursor ? { starting_after: cursor } : {}) });
    } catch (err) {
      // The cursor's customer was deleted while the run was interrupted: start the listing again
      // (rows are upserts, and the count is recomputed at the end).
      if (cursor && isMissingResource(err)) {
        await scope.from('mapping_runs').where({ id: run.id, cursor }).update({ cursor: null });
        cursor = null;
        continue;
      }
      throw err;
    }
    const previous = cursor;
    const last = list.data.at(-1)?.id ?? cursor;
    const now = ctx.clock.now();
    await scope.transaction(async (tx) => {
      if (list.data.length > 0) {
        await tx
          .insert('stripe_customer_cache', list.data.map((c) => ({
            customer_id: c.id,
            name: c.name ?? null,
            email: c.email ?? null,
            metadata: JSON.stringify(c.metadata ?? {}),
            deleted: false,
            stripe_created: c.created,
            seen_run_id: run.id,
            fetched_at: now,
          })))
          .onConflict(['installation_id', 'customer_id'])
          .merge(['name', 'email', 'metadata', 'deleted', 'stripe_created', 'seen_run_id', 'fetched_at']);
      }
      const moved = await tx
        .from('mapping_runs')
        .where({ id: run.id, status: 'fetching' })
        .where((q) => (previous ? q.where('cursor', previous) : q.whereNull('cursor')))
        .update({
          cursor: last,
          customers_fetched: tx.db.raw('customers_fetched + ?', [list.data.length]),
          list_calls: tx.db.raw('list_calls + 1'),
          heartbeat_at: now,
          updated_at: now,
          ...(list.has_more ? {} : { fetched_all: true, status: 'suggesting' }),
        });
      if (moved === 0) throw new RunTakenOver();
      if (!list.has_more) await finishFetch(tx, run.id);
    });
    cursor = last;
    await hooks.afterPage?.({ page, cursor });
    if (!list.has_more) return;
  }
}

/** After a complete listing: customers this run never saw were deleted in Stripe; count exactly. */
async function finishFetch(tx: InstallationScope, runId: string): Promise<void> {
  await tx.from('stripe_customer_cache').where('deleted', false).whereRaw('seen_run_id is distinct from ?', [runId]).update({ deleted: true });
  const row = (await tx.from('stripe_customer_cache').where({ seen_run_id: runId }).count({ n: '*' }).first()) as { n: unknown };
  await tx.from('mapping_runs').where({ id: runId }).update({ customers_fetched: Number(row.n) });
}

async function computeSuggestions(ctx: AppContext, scope: InstallationScope, runId: string): Promise<void> {
  await scope.from('mapping_runs').where({ id: runId }).update({ heartbeat_at: ctx.clock.now() });
  const clientRows = (await scope.from('clients').where('mapping_status', 'unmapped').select('id', 'name', 'email')) as Array<{ id: string; name: string; email: string | null }>;
  const contactRows = (await scope
    .from('client_contacts')
    .join('clients', (j) => j.on('clients.id', 'client_contacts.client_id').andOn('clients.installation_id', 'client_contacts.installation_id'))
    .where('clients.mapping_status', 'unmapped')
    .select('client_contacts.client_id', 'client_contacts.email')) as Array<{ client_id: string; email: string }>;
  const mappedRows = (await scope.from('clients').whereNotNull('stripe_customer_id').select('id', 'stripe_customer_id')) as Array<{ id: string; stripe_customer_id: string }>;
  const customerRows = (await scope.from('stripe_customer_cache').where('deleted', false).select('customer_id', 'name', 'email', 'metadata')) as CustomerRow[];

  const contacts = new Map<string, string[]>();
  for (const c of contactRows) {
    const list = contacts.get(c.client_id);
    if (list) list.push(c.email);
    else contacts.set(c.client_id, [c.email]);
  }
  const clients: PsaClientInput[] = clientRows.map((c) => ({ id: c.id, name: c.name, email: c.email, contactEmails: contacts.get(c.id) ?? [] }));
  const customers: StripeCustomerInput[] = customerRows.map((c) => ({
    id: c.customer_id,
    name: c.name,
    email: c.email,
    metadata: typeof c.metadata === 'string' ? (JSON.parse(c.metadata) as Record<string, string>) : c.metadata,
  }));
  const suggestions = suggestMatches({
    installationId: scope.installationId,
    clients,
    customers,
    mappedCustomers: new Map(mappedRows.map((r) => [r.stripe_customer_id, r.id])),
  });

  const rows: Array<Record<string, unknown>> = [];
  for (const [clientId, candidates] of suggestions) {
    candidates.forEach((c, i) => rows.push({ run_id: runId, client_id: clientId, customer_id: c.customerId, confidence: c.confidence, reason: c.reason.slice(0, 1000), kind: c.kind, rank: i + 1 }));
  }
  await scope.transaction(async (tx) => {
    const finished = await tx
      .from('mapping_runs')
      .where({ id: runId, status: 'suggesting' })
      .update({ status: 'done', finished_at: ctx.clock.now(), heartbeat_at: ctx.clock.now(), clients_considered: clients.length, suggestions_count: rows.length, error: null, updated_at: ctx.clock.now() });
    if (finished === 0) throw new RunTakenOver();
    await tx.from('mapping_suggestions').delete();
    for (let i = 0; i < rows.length; i += 500) await tx.insert('mapping_suggestions', rows.slice(i, i + 500));
  });
}

/**
 * Hands a run to the job queue (any worker process picks it up), or — in a process without a
 * queue — runs it in the background here. Either way the run row already records the work, so a
 * lost dispatch only delays it until the next "start import", which resumes it.
 */
export async function dispatchMappingImport(ctx: AppContext, data: MappingImportJobData): Promise<void> {
  if (ctx.queue) {
    try {
      await ctx.queue.send(MAPPING_IMPORT_JOB, data, { singletonKey: `mapping:${data.runId}` });
      return;
    } catch (err) {
      ctx.logger.warn({ err, runId: data.runId }, 'could not enqueue the mapping import; running it in this process');
    }
  }
  void runMappingImport(ctx, data).catch((err: unknown) => ctx.logger.warn({ err, runId: data.runId }, 'mapping import failed'));
}
