import type { AuditActor } from '../audit/record-audit';
import { recordAudit } from '../audit/record-audit';
import type { Clock } from '../clock';
import type { InstallationScope } from '../db/tenant-scope';
import { isStale, latestRun, type MappingRunRow } from './mapping-run-view';
import { isUniqueViolation } from './stripe-call';

export interface StartMappingImportOptions {
  actor: AuditActor;
  startedBy: string | null;
  ip?: string | undefined;
  requestId?: string | undefined;
}

export interface StartMappingImportResult {
  run: MappingRunRow;
  /** True when the run must be handed to a worker (new, resumed, or abandoned by a dead worker). */
  dispatch: boolean;
  resumed: boolean;
}

/**
 * Starts an import, or resumes the installation's interrupted one. One run at a time: while a run
 * is alive, this returns it unchanged (safe to click twice). Records the run before any work.
 */
export async function startMappingImport(scope: InstallationScope, options: StartMappingImportOptions, clock: Clock): Promise<StartMappingImportResult> {
  try {
    return await scope.transaction(async (tx) => {
      const now = clock.now();
      const latest = await latestRun(tx);
      let result: StartMappingImportResult;
      if (latest && (latest.status === 'queued' || latest.status === 'fetching' || latest.status === 'suggesting')) {
        if (!isStale(latest, now)) return { run: latest, dispatch: false, resumed: false };
        const [run] = (await tx.from('mapping_runs').where({ id: latest.id, status: latest.status }).update({ heartbeat_at: now, updated_at: now }).returning('*')) as MappingRunRow[];
        if (!run) return { run: latest, dispatch: false, resumed: false };
        result = { run, dispatch: true, resumed: true };
      } else if (latest && latest.status === 'failed') {
        const [run] = (await tx.from('mapping_runs').where({ id: latest.id, status: 'failed' }).update({ status: 'queued', error: null, heartbeat_at: now, updated_at: now }).returning('*')) as MappingRunRow[];
        result = run ? { run, dispatch: true, resumed: true } : { run: latest, dispatch: false, resumed: false };
      } else {
        const [run] = (await tx.insert('mapping_runs', { status: 'queued', started_by: options.startedBy, heartbeat_at: now, created_at: now, updated_at: now }).returning('*')) as MappingRunRow[];
        result = { run: run!, dispatch: true, resumed: false };
      }
      await recordAudit(tx, {
        actor: options.actor,
        action: result.resumed ? 'mapping.import_resumed' : 'mapping.import_started',
        subjectType: 'mapping_run',
        subjectId: result.run.id,
        details: { cursor: result.run.cursor, customersFetched: result.run.customers_fetched },
        ip: options.ip,
        requestId: options.requestId,
      }, clock);
      return result;
    });
  } catch (err) {
    // Two admins pressed "Import" at once: the other run won; show that one.
    if (!isUniqueViolation(err)) throw err;
    const run = await latestRun(scope);
    if (!run) throw err;
    return { run, dispatch: false, resumed: false };
  }
}
