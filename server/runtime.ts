// Boots Settle: database (+ migrations), optional demo seed, job queue and scheduler, HTTP server.
// `shutdown()` is graceful: stop accepting connections, let in-flight requests finish, drain
// running jobs, then close the database. main.ts calls it on SIGTERM/SIGINT; tests call it directly.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Config } from './config/config';
import { systemClock, type Clock } from './clock';
import { createDatabase, type Database } from './db/database';
import { migrateLatest } from './db/migrate';
import { isDatabaseEmpty, seedDemo } from './demo/seed-demo';
import type { AppContext } from './http/context';
import { createHttp } from './http/create-app';
import { createJobQueue, type JobQueue } from './jobs/job-queue';
import { jobDefinitions as defaultJobs, type JobDefinition } from './jobs/job-registry';
import { startScheduler, type Scheduler } from './jobs/scheduler';
import { createLogger, type Logger } from './logger';
import { createLiveHub } from './live/live-hub';
import { SecretBox } from './crypto/secret-box';
import { StripeClients, type StripeEndpoint } from './stripe/stripe-clients';
import type { StripePlatform } from './stripe/stripe-platform';

export const REPO_ROOT = join(import.meta.dirname, '..');

export interface RuntimeOptions {
  config: Config;
  clock?: Clock;
  logger?: Logger;
  /** Use an already open database (tests); otherwise one is opened from config. */
  database?: Database;
  webRoot?: string;
  jobs?: readonly JobDefinition[];
  /** node-cron ticks (on by default when jobs are enabled). */
  cron?: boolean;
  /** How long shutdown waits for requests and jobs before cutting them off. */
  drainTimeoutMs?: number;
  /** Whether to seed demo data into an empty database (default: config.demoMode). */
  seed?: boolean;
  /** Extra origins pages may load Stripe.js from (the Stripe emulator's, in emulator mode). */
  stripeOrigins?: string[];
  /** Where the Stripe API is: the emulator's address, or null for api.stripe.com. */
  stripeEndpoint?: StripeEndpoint | null;
  /** Settle as an OAuth platform for "Connect with Stripe" (null: only restricted keys). */
  stripePlatform?: StripePlatform | null;
}

export interface Runtime {
  readonly ctx: AppContext;
  readonly server: Server;
  readonly url: string;
  readonly database: Database;
  readonly queue: JobQueue | null;
  readonly scheduler: Scheduler | null;
  readonly seeded: boolean;
  shutdown(reason?: string): Promise<void>;
}

export async function startRuntime(options: RuntimeOptions): Promise<Runtime> {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const database = options.database ?? (await createDatabase(config.database));
  const applied = await migrateLatest(database.knex);
  if (applied.length) logger.info({ migrations: applied }, 'database migrated');
  let seeded = false;
  if ((options.seed ?? config.demoMode) && (await isDatabaseEmpty(database.knex))) {
    await seedDemo(database.knex, clock);
    seeded = true;
    logger.info('demo data seeded');
  }
  const secrets = new SecretBox(config.encryptionKeys);
  const stripe = new StripeClients({ endpoint: options.stripeEndpoint ?? null, secrets });
  let queue: JobQueue | null = null;
  let scheduler: Scheduler | null = null;
  if (config.jobs.enabled) {
    queue = createJobQueue(database, logger);
    await queue.start();
  }
  const ctx: AppContext = { config, db: database.knex, clock, logger, secrets, stripe, queue, stripePlatform: options.stripePlatform ?? null };
  if (queue) scheduler = await startScheduler(ctx, queue, options.jobs ?? defaultJobs, { cron: options.cron ?? true });

  let draining = false;
  const live = createLiveHub(database, logger);
  const http = createHttp(ctx, { webRoot: options.webRoot ?? join(REPO_ROOT, 'dist'), isDraining: () => draining, stripeOrigins: options.stripeOrigins ?? [], live });
  const server = createServer(http.listener);
  server.keepAliveTimeout = 5_000;
  server.listen(config.port, config.host);
  await once(server, 'listening');
  const address = server.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const url = `http://${host}:${address.port}`;

  let shuttingDown: Promise<void> | null = null;
  const drainTimeoutMs = options.drainTimeoutMs ?? 15_000;
  const shutdown = (reason = 'shutdown') => {
    shuttingDown ??= (async () => {
      logger.info({ reason }, 'shutting down: draining requests and jobs');
      draining = true;
      await live.close(); // open event streams would otherwise hold the drain until its timeout
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), drainTimeoutMs);
      await closed;
      clearTimeout(timer);
      await scheduler?.stop(drainTimeoutMs);
      if (!options.database) await database.close();
      logger.info('shutdown complete');
    })();
    return shuttingDown;
  };

  return { ctx, server, url, database, queue, scheduler, seeded, shutdown };
}
