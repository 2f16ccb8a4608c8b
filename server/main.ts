// Entry point for `npm start`: config from the environment (every problem reported at once), the
// web apps built if missing, then the runtime. SIGTERM/SIGINT shut down gracefully.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { loadConfig } from './config/config';
import { DEMO_CLIENTS, DEMO_LOGINS } from './demo/seed-demo';
import { missingBuilds } from './http/static-apps';
import { REPO_ROOT, startRuntime } from './runtime';

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

const runtime = await startRuntime({ config, webRoot });
const line = '─'.repeat(64);
console.log(`\n${line}`);
console.log(`Settle is running on ${runtime.url}  (${runtime.database.kind === 'pglite' ? `embedded PGlite in ${config.dataDir}` : 'PostgreSQL'})`);
console.log(`  Technician UI   ${runtime.url}/app`);
console.log(`  Client portal   ${runtime.url}/portal`);
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
    runtime.shutdown(signal).then(
      () => process.exit(0),
      (err: unknown) => {
        console.error('shutdown failed', err);
        process.exit(1);
      },
    );
  });
}
