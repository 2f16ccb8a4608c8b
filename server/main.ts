// Entry point for `npm start`: config from the environment (every problem reported at once), the
// web apps built if missing, then the runtime. SIGTERM/SIGINT shut down gracefully.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { loadConfig } from './config/config';
import { connectDemoStripe } from './demo/connect-demo-stripe';
import { DEMO_CLIENTS, DEMO_LOGINS } from './demo/seed-demo';
import { missingBuilds } from './http/static-apps';
import { REPO_ROOT, startRuntime } from './runtime';
import { endpointFromUrl } from './stripe/stripe-clients';
import { emulatorPlatform } from './stripe/stripe-platform';
import { createStripeEmulator, type StripeEmulator } from '../stripe-emulator/index';

const loaded = loadConfig(process.env);
if (!loaded.ok) {
  console.error('Settle cannot start: the configuration is invalid.\n');
  for (const problem of loaded.problems) console.error(`  - ${problem}`);
  console.error('\nSee README.md ("Configuration") and .env.example.');
  process.exit(1);
}
const config = loaded.config;

const webRoot = join(REPO_ROOT, 'dist');
if (missingBuilds(webRoot).length > 0) {
  console.log('Building the client portal and technician UI (first start only)…');
  const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
  if (build.status !== 0) {
    console.error('Building the web apps failed; see the output above.');
    process.exit(1);
  }
}

// Without Stripe keys Settle talks to the built-in Stripe emulator, started here in-process with its
// state kept next to the embedded database so the demo survives restarts.
let emulator: StripeEmulator | null = null;
if (config.stripe.mode === 'emulator') {
  try {
    emulator = await createStripeEmulator({ port: config.stripe.port, snapshotFile: join(config.dataDir, 'stripe-emulator.json') });
  } catch (err) {
    const inUse = (err as { code?: string }).code === 'EADDRINUSE';
    console.error(
      inUse
        ? `Port ${config.stripe.port} for the built-in Stripe emulator is in use. Set STRIPE_EMULATOR_PORT to a free port (or 0 for any).`
        : `The built-in Stripe emulator could not start: ${String(err)}`,
    );
    process.exit(1);
  }
}

const runtime = await startRuntime({
  config,
  webRoot,
  stripeOrigins: emulator ? [emulator.url] : [],
  stripeEndpoint: emulator ? endpointFromUrl(emulator.url) : null,
  stripePlatform: emulator
    ? await emulatorPlatform(emulator.url)
    : config.stripe.mode === 'stripe' && config.stripe.clientId
      ? { secretKey: config.stripe.secretKey, clientId: config.stripe.clientId, authorizeUrl: 'https://connect.stripe.com/oauth/authorize' }
      : null,
});
if (emulator && config.demoMode) await connectDemoStripe(runtime.ctx, emulator.url);

const line = '─'.repeat(64);
console.log(`\n${line}`);
console.log(`Settle is running on ${runtime.url}  (${runtime.database.kind === 'pglite' ? `embedded PGlite in ${config.dataDir}` : 'PostgreSQL'})`);
console.log(`  Technician UI   ${runtime.url}/app`);
console.log(`  Client portal   ${runtime.url}/portal`);
console.log(
  emulator
    ? `  Stripe          built-in emulator on ${emulator.url} (offline; set STRIPE_SECRET_KEY to use Stripe)`
    : `  Stripe          ${config.stripe.mode === 'stripe' && config.stripe.secretKey.startsWith('sk_live_') ? 'LIVE mode' : 'test mode'} (api.stripe.com)`,
);
if (config.demoMode) {
  console.log('\nDemo logins' + (runtime.seeded ? ' (demo data created just now)' : '') + ':');
  console.log(`  MSP admin       ${DEMO_LOGINS.admin.email} / ${DEMO_LOGINS.admin.password}`);
  console.log(`  Technician      ${DEMO_LOGINS.technician.email} / ${DEMO_LOGINS.technician.password}`);
  console.log(`  Client portal   any of these / ${DEMO_LOGINS.clientPassword}`);
  for (const c of DEMO_CLIENTS) console.log(`                  ${c.email.padEnd(28)} ${c.name}`);
}
console.log(`${line}\n`);

let signals = 0;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    signals += 1;
    if (signals > 1) process.exit(1);
    runtime
      .shutdown(signal)
      .then(() => emulator?.close())
      .then(
      () => process.exit(0),
      (err: unknown) => {
        console.error('shutdown failed', err);
        process.exit(1);
      },
    );
  });
}
