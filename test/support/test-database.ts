// A private, migrated database per test file: a copy of the PGlite template directory, or a
// PostgreSQL database created from the template database when DATABASE_URL is set.
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { createDatabase, type Database } from '../../server/db/database';
import { postgresPrefix, withDatabase } from './template';

export interface TestDatabase {
  database: Database;
  /** Where to open more connections to the same database (PostgreSQL), or the PGlite directory. */
  location: { kind: 'postgres'; url: string } | { kind: 'pglite'; dataDir: string };
  drop(): Promise<void>;
}

export const usingPostgres = (): boolean => Boolean(process.env.DATABASE_URL);

export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = process.env.DATABASE_URL;
  if (adminUrl) {
    const name = `${postgresPrefix()}_t_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`create database "${name}" template "${inject('databaseTemplate')}"`);
    await admin.end();
    const url = withDatabase(adminUrl, name);
    const database = await createDatabase({ kind: 'postgres', url });
    return {
      database,
      location: { kind: 'postgres', url },
      async drop() {
        await database.close().catch(() => undefined);
        const a = new pg.Client({ connectionString: adminUrl });
        await a.connect();
        await a.query(`drop database if exists "${name}" with (force)`);
        await a.end();
      },
    };
  }
  const dataDir = join(mkdtempSync(join(tmpdir(), 'settle-db-')), 'pglite');
  cpSync(inject('databaseTemplate'), dataDir, { recursive: true });
  const database = await createDatabase({ kind: 'pglite', dataDir });
  return {
    database,
    location: { kind: 'pglite', dataDir },
    async drop() {
      await database.close().catch(() => undefined);
      rmSync(join(dataDir, '..'), { recursive: true, force: true });
    },
  };
}
