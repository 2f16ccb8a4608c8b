// Runs once before the test files: prepares the migrated template database and makes sure the web
// apps are built from the current sources (the browser tests load them).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { createDatabase } from '../../server/db/database';
import { migrateLatest } from '../../server/db/migrate';
import { createJobQueue } from '../../server/jobs/job-queue';
import { createLogger } from '../../server/logger';
import { pgliteTemplateDir, postgresTemplateName, ROOT, withDatabase } from './template';

async function preparePglite(): Promise<void> {
  const dir = pgliteTemplateDir();
  if (existsSync(join(dir, 'PG_VERSION'))) return;
  const building = `${dir}.building-${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  const database = await createDatabase({ kind: 'pglite', dataDir: building });
  await migrateLatest(database.knex);
  const queue = createJobQueue(database, createLogger({ level: 'silent' }), { supervise: false });
  await queue.start();
  await queue.stop(1000);
  await database.close();
  if (!existsSync(join(dir, 'PG_VERSION'))) renameSync(building, dir);
  else rmSync(building, { recursive: true, force: true });
}

async function preparePostgres(url: string): Promise<void> {
  const name = postgresTemplateName();
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    const exists = await admin.query('select 1 from pg_database where datname = $1', [name]);
    if (exists.rowCount) return;
    const building = `${name}_b${process.pid}`;
    await admin.query(`drop database if exists "${building}"`);
    await admin.query(`create database "${building}"`);
    const database = await createDatabase({ kind: 'postgres', url: withDatabase(url, building), poolMax: 2 });
    await migrateLatest(database.knex);
    const queue = createJobQueue(database, createLogger({ level: 'silent' }), { supervise: false });
    await queue.start();
    await queue.stop(1000);
    await database.close();
    await admin.query(`alter database "${building}" rename to "${name}"`);
  } finally {
    await admin.end();
  }
}

function sourceHash(): string {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir).sort()) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (!entry.endsWith('.test.ts')) hash.update(path).update(readFileSync(path));
    }
  };
  for (const d of ['client-portal', 'technician-ui', 'ui-kit']) if (existsSync(join(ROOT, d))) walk(join(ROOT, d));
  return hash.digest('hex');
}

function buildWebApps(): void {
  const marker = join(ROOT, 'dist', '.source-hash');
  const hash = sourceHash();
  const built = ['portal', 'app'].every((a) => existsSync(join(ROOT, 'dist', a, 'index.html')));
  if (built && existsSync(marker) && readFileSync(marker, 'utf8') === hash) return;
  const result = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`web build failed:\n${result.stdout}\n${result.stderr}`);
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  writeFileSync(marker, hash);
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** The migrated template this run prepared (fixed at start, even if migrations change mid-run). */
    databaseTemplate: string;
  }
}

export default async function setup(project: TestProject): Promise<void> {
  if (process.env.DATABASE_URL) {
    await preparePostgres(process.env.DATABASE_URL);
    project.provide('databaseTemplate', postgresTemplateName());
  } else {
    await preparePglite();
    project.provide('databaseTemplate', pgliteTemplateDir());
  }
  buildWebApps();
}
