// `npm run bench -- NAME` runs bench/NAME.ts; with no name it runs every benchmark and writes
// bench/results.json. Each benchmark prints progress on stderr and ends stdout with one JSON line.
import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.endsWith('.test.ts'))
  .map((f) => f.slice(0, -3))
  .sort();

const requested = process.argv.slice(2).filter((a) => a !== '--');
const names = requested.length > 0 ? requested : available;
const results: Record<string, unknown> = {};
let failed = false;
for (const name of names) {
  if (!available.includes(name)) {
    console.error(`unknown benchmark "${name}"; available: ${available.join(', ')}`);
    process.exit(2);
  }
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(here, `${name}.ts`)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    env: process.env,
  });
  const lines = run.stdout.trim().split('\n');
  const last = lines[lines.length - 1] ?? '';
  if (run.status !== 0) {
    failed = true;
    console.error(`benchmark ${name} exited with ${run.status}`);
    continue;
  }
  if (requested.length > 0) process.stdout.write(run.stdout);
  try {
    results[name] = JSON.parse(last);
  } catch {
    failed = true;
    console.error(`benchmark ${name} did not end with a JSON line`);
  }
}
if (requested.length === 0) {
  writeFileSync(join(here, 'results.json'), JSON.stringify(results, null, 2) + '\n');
  console.log(JSON.stringify(results));
}
process.exit(failed ? 1 : 0);
