// One Settle server process that runs one autopay run and exits: what the multi-process and
// SIGKILL crash tests start (node --import tsx). It boots the real runtime (HTTP server included) on
// DATABASE_URL, points Stripe at STRIPE_URL, runs autopay for INSTALLATION_ID and prints the result as
// one JSON line. STALE_AFTER_MS shortens how long an in-flight attempt counts as someone else's
// (a restart after a crash); SETTLE_AUTOPAY_CRASH_AT makes it SIGKILL itself at a checkpoint.
import { createLogger } from '../../server/logger';
import { runAutopay } from '../../server/autopay/run-autopay';
import { createDatabase } from '../../server/db/database';
import { startRuntime } from '../../server/runtime';
import { endpointFromUrl } from '../../server/stripe/stripe-clients';
import { testConfig } from './test-app';

const url = process.env.DATABASE_URL!;
const database = await createDatabase({ kind: 'postgres', url, poolMax: 10 });
const runtime = await startRuntime({
  config: testConfig({ DATABASE_URL: url, LOG_LEVEL: 'warn' }),
  database,
  logger: createLogger({ level: 'warn' }),
  seed: false,
  cron: false,
  stripeEndpoint: endpointFromUrl(process.env.STRIPE_URL!),
});
const result = await runAutopay(runtime.ctx, process.env.INSTALLATION_ID!, {
  ...(process.env.STALE_AFTER_MS ? { staleAfterMs: Number(process.env.STALE_AFTER_MS) } : {}),
  ...(process.env.CONCURRENCY ? { concurrency: Number(process.env.CONCURRENCY) } : {}),
});
process.stdout.write(`${JSON.stringify(result)}\n`);
await runtime.shutdown('done');
process.exit(0);
