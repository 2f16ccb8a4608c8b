// The durable job queue: pg-boss 10 in the application database. On PostgreSQL pg-boss opens its
// own small pool; on PGlite it must share the single connection, so every pg-boss statement goes
// through knex's pool (it waits while a knex transaction holds the connection instead of running
// inside it). `send(..., { db: trx })` enqueues atomically with a business write.
import PgBoss from 'pg-boss';
import type { Database, DbOrTrx } from '../db/database';
import { knexExecuteSql } from '../db/database';
import type { Logger } from '../logger';

export interface SendOptions {
  /** Dedupe: at most one job with this key per `singletonSeconds` window (across all processes). */
  singletonKey?: string;
  singletonSeconds?: number;
  startAfter?: Date;
  /** Enqueue inside this transaction. */
  db?: DbOrTrx;
}

export interface QueueDefinition {
  name: string;
  retryLimit: number;
  retryDelaySeconds: number;
  retryBackoff: boolean;
  expireInSeconds: number;
}

export interface JobQueue {
  start(): Promise<void>;
  ensureQueue(def: QueueDefinition): Promise<void>;
  send(name: string, data: object, options?: SendOptions): Promise<string | null>;
  work(name: string, handler: (data: unknown, jobId: string) => Promise<void>, options?: { pollingIntervalSeconds?: number }): Promise<void>;
  /** Stops fetching; waits up to `timeoutMs` for running jobs to finish. */
  stop(timeoutMs: number): Promise<void>;
  readonly boss: PgBoss;
}

export function createJobQueue(database: Database, logger: Logger, options: { supervise?: boolean } = {}): JobQueue {
  const common = { schema: 'pgboss', schedule: false, supervise: options.supervise ?? true, migrate: true } as const;
  const boss =
    database.kind === 'postgres' && database.url
      ? new PgBoss({ ...common, connectionString: database.url, max: 4, application_name: 'settle-jobs' })
      : new PgBoss({ ...common, db: { executeSql: knexExecuteSql(database.knex) } });
  boss.on('error', (err) => logger.error({ err }, 'job queue error'));
  let stopped: Promise<void> | null = null;

  return {
    boss,
    async start() {
      await boss.start();
    },
    async ensureQueue(def) {
      const options = { name: def.name, retryLimit: def.retryLimit, retryDelay: def.retryDelaySeconds, retryBackoff: def.retryBackoff, expireInSeconds: def.expireInSeconds };
      if (await boss.getQueue(def.name)) await boss.updateQueue(def.name, options);
      else await boss.createQueue(def.name, options).catch(async (err: unknown) => {
        // Another process created it between our check and our create.
        if (!(await boss.getQueue(def.name))) throw err;
      });
    },
    async send(name, data, options = {}) {
      return boss.send(name, data, {
        ...(options.singletonKey ? { singletonKey: options.singletonKey } : {}),
        ...(options.singletonSeconds ? { singletonSeconds: options.singletonSeconds } : {}),
        ...(options.startAfter ? { startAfter: options.startAfter } : {}),
        ...(options.db ? { db: { executeSql: knexExecuteSql(options.db) } } : {}),
      });
    },
    async work(name, handler, workOptions = {}) {
      await boss.work(name, { pollingIntervalSeconds: workOptions.pollingIntervalSeconds ?? 2, batchSize: 1 }, async (jobs) => {
        for (const job of jobs) await handler(job.data, job.id);
      });
    },
    stop(timeoutMs) {
      stopped ??= boss.stop({ graceful: true, wait: true, close: true, timeout: timeoutMs });
      return stopped;
    },
  };
}
