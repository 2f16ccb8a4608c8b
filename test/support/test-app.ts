// Starts the real runtime (HTTP server on an ephemeral port, real database) for one test file.
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parseConfig, type Config } from '../../server/config/config';
import { ManualClock, type Clock } from '../../server/clock';
import { SecretBox } from '../../server/crypto/secret-box';
import type { Database } from '../../server/db/database';
import type { AppContext } from '../../server/http/context';
import { endpointFromUrl, StripeClients } from '../../server/stripe/stripe-clients';
import { emulatorPlatform } from '../../server/stripe/stripe-platform';
import { createStripeEmulator, type StripeEmulator, type StripeEmulatorOptions } from '../../stripe-emulator/index';
import type { JobDefinition } from '../../server/jobs/job-registry';
import { createLogger } from '../../server/logger';
import { startRuntime, type Runtime } from '../../server/runtime';
import { ROOT } from './template';
import { createTestDatabase, type TestDatabase } from './test-database';

export const TEST_ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');
export const TEST_MARKETPLACE_SECRET = 'test-marketplace-shared-secret-0123456789';

export function testConfig(env: Record<string, string> = {}): Config {
  const parsed = parseConfig({
    NODE_ENV: 'test',
    DEMO_MODE: 'false',
    PORT: '0',
    HOST: '127.0.0.1',
    PUBLIC_URL: 'http://127.0.0.1:3000',
    LOG_LEVEL: 'info',
    ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    MARKETPLACE_SHARED_SECRET: TEST_MARKETPLACE_SECRET,
    JOBS_ENABLED: 'false',
    ...env,
  });
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  return parsed.config;
}

/** A complete AppContext for calling domain functions and jobs directly in tests. */
export function testContext(database: Database, options: { clock?: Clock; emulator?: StripeEmulator; env?: Record<string, string> } = {}): AppContext {
  const config = testConfig(options.env);
  const secrets = new SecretBox(config.encryptionKeys);
  return {
    config,
    db: database.knex,
    clock: options.clock ?? new ManualClock(new Date()),
    logger: createLogger({ level: 'silent' }),
    secrets,
    stripe: new StripeClients({ endpoint: options.emulator ? endpointFromUrl(options.emulator.url) : null, secrets, maxNetworkRetries: 0 }),
  };
}

async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface TestApp {
  url: string;
  /** The in-process Stripe emulator, when started with `stripeEmulator`. */
  emulator: StripeEmulator | null;
  runtime: Runtime;
  db: TestDatabase;
  clock: Clock;
  /** Everything the server logged, as raw JSON lines (to check secrets never appear). */
  logs: string[];
  close(): Promise<void>;
}

export async function startTestApp(
  options: {
    env?: Record<string, string>;
    clock?: Clock;
    seed?: boolean;
    jobs?: readonly JobDefinition[];
    webRoot?: string;
    drainTimeoutMs?: number;
    /** Start an in-process Stripe emulator and point the server at it. */
    stripeEmulator?: boolean | StripeEmulatorOptions;
    /** Listen on a free port known in advance and make PUBLIC_URL point at it (OAuth redirects, links). */
    realPublicUrl?: boolean;
  } = {},
): Promise<TestApp> {
  const db = await createTestDatabase();
  if (options.realPublicUrl) {
    const port = await freePort();
    options = { ...options, env: { ...options.env, PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}` } };
  }
  const emulator = options.stripeEmulator
    ? await createStripeEmulator(typeof options.stripeEmulator === 'object' ? options.stripeEmulator : {})
    : null;
  const clock = options.clock ?? new ManualClock(new Date());
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logs.push(chunk.toString());
      cb();
    },
  });
  const config = testConfig(options.env);
  const runtime = await startRuntime({
    config,
    clock,
    logger: createLogger({ level: config.logLevel, destination: sink }),
    database: db.database,
    webRoot: options.webRoot ?? join(ROOT, 'dist'),
    seed: options.seed ?? false,
    cron: false,
    ...(options.jobs ? { jobs: options.jobs } : {}),
    ...(options.drainTimeoutMs ? { drainTimeoutMs: options.drainTimeoutMs } : {}),
    ...(emulator ? { stripeEndpoint: endpointFromUrl(emulator.url), stripeOrigins: [emulator.url], stripePlatform: await emulatorPlatform(emulator.url) } : {}),
  });
  return {
    url: runtime.url,
    emulator,
    runtime,
    db,
    clock,
    logs,
    async close() {
      await runtime.shutdown('test');
      await emulator?.close();
      await db.drop();
    },
  };
}
