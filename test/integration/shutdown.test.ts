// Graceful shutdown: stop accepting, let in-flight requests and running jobs finish, close the db.
import { mkdtempSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { JobDefinition } from '../../server/jobs/job-registry';
import { startRuntime } from '../../server/runtime';
import { createLogger } from '../../server/logger';
import { startTestApp, testConfig, type TestApp } from '../support/test-app';
import { createTestDatabase } from '../support/test-database';

let app: TestApp | undefined;
afterAll(async () => {
  await app?.db.drop();
});

describe('graceful shutdown', () => {
  it('finishes an in-flight request and a running job and refuses new connections', async () => {
    let releaseJob!: () => void;
    let jobStarted!: () => void;
    const started = new Promise<void>((r) => (jobStarted = r));
    let jobFinished = false;
    const slowJob: JobDefinition = {
      name: 'test.slow-job',
      retryLimit: 0,
      retryDelaySeconds: 1,
      retryBackoff: false,
      expireInSeconds: 60,
      async run() {
        jobStarted();
        await new Promise<void>((r) => (releaseJob = r));
        jobFinished = true;
      },
    };
    app = await startTestApp({ env: { JOBS_ENABLED: 'true' }, jobs: [slowJob] });
    const { runtime } = app;
    await runtime.queue!.send('test.slow-job', {});
    await started;

    // A request whose body is still arriving when shutdown begins.
    const port = new URL(app.url).port;
    const body = JSON.stringify({ email: 'nobody@example.com', password: 'x' });
    const inFlight = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/api/app/login', method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      req.write(body.slice(0, 10));
      setTimeout(() => req.end(body.slice(10)), 300);
    });
    await new Promise((r) => setTimeout(r, 100));

    let shutdownDone = false;
    const shutdown = runtime.shutdown('test').then(() => (shutdownDone = true));
    await new Promise((r) => setTimeout(r, 50));
    await expect(fetch(`${app.url}/api/health`)).rejects.toThrow(); // no longer accepting

    const answered = await inFlight;
    expect(answered.status).toBe(401);
    expect(JSON.parse(answered.text).error.code).toBe('AUTH_INVALID_CREDENTIALS');

    await new Promise((r) => setTimeout(r, 200));
    expect(shutdownDone).toBe(false); // still waiting for the job
    releaseJob();
    await shutdown;
    expect(jobFinished).toBe(true);
  }, 60_000);

  it('closes the database it opened', async () => {
    const tdb = await createTestDatabase();
    const location = tdb.location;
    await tdb.database.close();
    const env: Record<string, string> =
      location.kind === 'postgres' ? { DATABASE_URL: location.url } : { DATA_DIR: mkdtempSync(join(tmpdir(), 'settle-own-')) };
    const runtime = await startRuntime({ config: testConfig(env), logger: createLogger({ level: 'silent' }), seed: false, cron: false, webRoot: tmpdir() });
    expect((await fetch(`${runtime.url}/api/health`)).status).toBe(200);
    await runtime.shutdown('test');
    await expect(runtime.database.knex.raw('select 1')).rejects.toThrow();
    await tdb.drop();
  }, 60_000);
});
