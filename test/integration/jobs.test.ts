// The job queue: ticks enqueue at most one job per window however many processes tick, and each
// job runs once. With DATABASE_URL the "processes" are separate pg-boss instances with their own
// connection pools on one PostgreSQL, which is what separate server processes are to the database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../server/clock';
import { createDatabase, type Database } from '../../server/db/database';
import type { AppContext } from '../../server/http/context';
import { createJobQueue, type JobQueue } from '../../server/jobs/job-queue';
import { purgeSessionsJob, type JobDefinition } from '../../server/jobs/job-registry';
import { startScheduler, type Scheduler } from '../../server/jobs/scheduler';
import { createLogger } from '../../server/logger';
import { createSession } from '../../server/auth/sessions';
import { makeInstallation, makeStaffUser } from '../support/factories';
import { testContext } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const logger = createLogger({ level: 'silent' });
let tdb: TestDatabase;
const extraDatabases: Database[] = [];
const schedulers: Scheduler[] = [];

beforeAll(async () => {
  tdb = await createTestDatabase();
});
afterAll(async () => {
  for (const s of schedulers) await s.stop(2000);
  for (const d of extraDatabases) await d.close();
  await tdb?.drop();
});

function ctxFor(database: Database, clock = new ManualClock()): AppContext {
  return testContext(database, { clock });
}

/** A "process": its own database handle (own pool on PostgreSQL) and its own queue. */
async function processFor(): Promise<{ database: Database; queue: JobQueue }> {
  let database = tdb.database;
  if (tdb.location.kind === 'postgres') {
    database = await createDatabase({ kind: 'postgres', url: tdb.location.url, poolMax: 3 });
    extraDatabases.push(database);
  }
  const queue = createJobQueue(database, logger, { supervise: false });
  await queue.start();
  return { database, queue };
}

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting for jobs');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('job queue', () => {
  it('three processes ticking the same window enqueue one job, and it runs exactly once', async () => {
    const runs: string[] = [];
    const job: JobDefinition = {
      name: 'test.window-job',
      retryLimit: 0,
      retryDelaySeconds: 1,
      retryBackoff: false,
      expireInSeconds: 60,
      singletonSeconds: 3600,
      async run(_ctx, data) {
        runs.push((data as { tickedAt: string }).tickedAt);
      },
    };
    const procs = await Promise.all([processFor(), processFor(), processFor()]);
    for (const p of procs) schedulers.push(await startScheduler(ctxFor(p.database), p.queue, [job], { cron: false, pollingIntervalSeconds: 0.5 }));
    const ids = await Promise.all(schedulers.flatMap((s) => [s.tick(job), s.tick(job)]));
    expect(ids.filter(Boolean)).toHaveLength(1);
    await waitFor(() => runs.length >= 1);
    await new Promise((r) => setTimeout(r, 1500)); // every worker polled at least twice more
    expect(runs).toHaveLength(1);
  });

  it('enqueues atomically with a transaction: a rolled-back transaction leaves no job', async () => {
    const { queue } = await processFor();
    await queue.ensureQueue({ name: 'test.tx-job', retryLimit: 0, retryDelaySeconds: 1, retryBackoff: false, expireInSeconds: 60 });
    await expect(
      tdb.database.knex.transaction(async (trx) => {
        await queue.send('test.tx-job', { n: 1 }, { db: trx });
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    await tdb.database.knex.transaction(async (trx) => {
      await queue.send('test.tx-job', { n: 2 }, { db: trx });
    });
    const rows = (await tdb.database.knex('pgboss.job').where({ name: 'test.tx-job' }).select('data')) as Array<{ data: { n: number } }>;
    expect(rows.map((r) => r.data.n)).toEqual([2]);
    await queue.stop(1000);
  });
});

describe('maintenance.purge-sessions', () => {
  it('deletes expired sessions and keeps live ones', async () => {
    const clock = new ManualClock('2026-11-23T12:00:00Z');
    const inst = await makeInstallation(tdb.database.knex);
    const user = await makeStaffUser(inst.scope);
    const policy = { idleMinutes: 60, maxHours: 12 };
    await createSession(tdb.database.knex, { kind: 'staff', installationId: inst.id, userId: user.id }, { clock, policy });
    clock.advance(2 * 3_600_000);
    await createSession(tdb.database.knex, { kind: 'staff', installationId: inst.id, userId: user.id }, { clock, policy });
    await purgeSessionsJob.run(ctxFor(tdb.database, clock), {});
    const left = (await tdb.database.knex('sessions').where({ staff_user_id: user.id }).select('created_at')) as Array<{ created_at: Date }>;
    expect(left.map((s) => s.created_at.toISOString())).toEqual(['2026-11-23T14:00:00.000Z']);
  });
});
