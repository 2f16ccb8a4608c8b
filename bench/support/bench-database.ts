// A throwaway database for one benchmark run: a new PostgreSQL database next to DATABASE_URL's (the
// server is whatever DATABASE_URL points at), or a fresh embedded PGlite directory.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createDatabase, type Database } from '../../server/db/database';

export interface BenchDatabase {
  database: Database;
  kind: 'pglite' | 'postgres';
  url: string | null;
  /** Closes the database and deletes it. */
  drop(): Promise<void>;
}

export async function openBenchDatabase(label: string, options: { poolMax?: number } = {}): Promise<BenchDatabase> {
  const adminUrl = process.env.DATABASE_URL;
  if (adminUrl) {
    const name = `settle_bench_${label}_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`create database "${name}"`);
    await admin.end();
    const u = new URL(adminUrl);
    u.pathname = `/${name}`;
    const database = await createDatabase({ kind: 'postgres', url: u.toString(), poolMax: options.poolMax ?? 10 });
    return {
      database,
      kind: 'postgres',
      url: u.toString(),
      async drop() {
        await database.close().catch(() => undefined);
        const a = new pg.Client({ connectionString: adminUrl });
        await a.connect();
        await a.query(`drop database if exists "${name}" with (force)`);
        await a.end();
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), `settle-bench-${label}-`));
  const database = await createDatabase({ kind: 'pglite', dataDir: join(dir, 'pglite') });
  return {
    database,
    kind: 'pglite',
    url: null,
    async drop() {
      await database.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
