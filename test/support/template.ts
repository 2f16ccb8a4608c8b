// A migrated database (schema + pg-boss's schema) made once per test run, then copied per test file:
// a fresh PGlite takes seconds to start and migrate, a directory copy takes milliseconds; on
// PostgreSQL `CREATE DATABASE … TEMPLATE` does the same.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');

/** Changes whenever a migration or the PGlite/pg-boss versions change. */
export function schemaFingerprint(): string {
  const hash = createHash('sha256');
  const dir = join(ROOT, 'migrations');
  for (const f of readdirSync(dir).sort()) hash.update(f).update(readFileSync(join(dir, f)));
  for (const pkg of ['@electric-sql/pglite', 'pg-boss']) {
    hash.update(JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')).version as string);
  }
  return hash.digest('hex').slice(0, 12);
}

export function pgliteTemplateDir(): string {
  return join('/tmp', `settle-test-template-${schemaFingerprint()}`);
}

/** Databases a run creates are named after the DATABASE_URL database, so CI can drop them all. */
export function postgresPrefix(): string {
  const url = process.env.DATABASE_URL;
  return url ? new URL(url).pathname.slice(1).slice(0, 30) || 'settle' : 'settle';
}

export function postgresTemplateName(): string {
  return `${postgresPrefix()}_tpl_${schemaFingerprint()}`;
}

/** The same server URL with another database name. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
