// Two drivers behind one knex: real PostgreSQL (`pg`) when DATABASE_URL is set, embedded PGlite
// (PostgreSQL compiled to WASM, persisted on disk) otherwise. Both are configured to return the same
// JavaScript types: int8 and numeric as numbers, `date` as 'YYYY-MM-DD' strings, timestamptz as Date.
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import knexFactory, { type Knex } from 'knex';
import ClientPgLite from 'knex-pglite';
import pg from 'pg';

export type Db = Knex;
export type DbOrTrx = Knex | Knex.Transaction;

export interface Database {
  readonly knex: Knex;
  readonly kind: 'pglite' | 'postgres';
  /** Set for PostgreSQL: the URL other components (the job queue) may open their own pool on. */
  readonly url: string | null;
  close(): Promise<void>;
}

export type DatabaseOptions = { kind: 'postgres'; url: string; poolMax?: number } | { kind: 'pglite'; dataDir: string };

const OID = { int8: 20, numeric: 1700, date: 1082 } as const;
const toNumber = (v: string) => Number(v);
const identity = (v: string) => v;

const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === OID.int8 || oid === OID.numeric) return toNumber;
    if (oid === OID.date) return identity;
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

export async function createDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.kind === 'postgres') {
    const knex = knexFactory({
      client: 'pg',
      connection: { connectionString: options.url, types: pgTypes } as Knex.PgConnectionConfig,
      pool: { min: 0, max: options.poolMax ?? 10 },
    });
    await knex.raw('select 1');
    return { knex, kind: 'postgres', url: options.url, close: () => knex.destroy() };
  }
  mkdirSync(options.dataDir, { recursive: true });
  const pglite = await PGlite.create(options.dataDir, {
    parsers: { [OID.int8]: toNumber, [OID.numeric]: toNumber, [OID.date]: identity },
  });
  const knex = knexFactory({
    client: ClientPgLite as unknown as typeof Knex.Client,
    dialect: 'postgres',
    connection: { pglite } as unknown as Knex.StaticConnectionConfig,
  });
  return {
    knex,
    kind: 'pglite',
    url: null,
    close: async () => {
      await knex.destroy();
      if (!pglite.closed) await pglite.close();
    },
  };
}

/** count(*) and friends: numbers on both drivers after the parsers above, but be defensive. */
export function toCount(value: unknown): number {
  const n = typeof value === 'string' ? Number(value) : typeof value === 'bigint' ? Number(value) : (value as number);
  if (!Number.isFinite(n)) throw new Error(`not a count: ${String(value)}`);
  return n;
}

interface RawConnection {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
  exec?: (text: string) => Promise<Array<{ rows: unknown[] }>>;
}

/**
 * `executeSql` for pg-boss over a knex connection (or a transaction's connection). On PGlite this is
 * the only safe way to share the single connection; with a transaction it makes enqueueing atomic
 * with the business write.
 */
export function knexExecuteSql(db: DbOrTrx) {
  const client = db.client as { acquireConnection(): Promise<RawConnection>; releaseConnection(c: RawConnection): Promise<void> };
  return async (text: string, values?: unknown[]) => {
    const conn = await client.acquireConnection();
    try {
      if ((!values || values.length === 0) && typeof conn.exec === 'function') {
        const results = await conn.exec(text);
        return results[results.length - 1] ?? { rows: [] };
      }
      return await conn.query(text, values);
    } finally {
      await client.releaseConnection(conn);
    }
  };
}
