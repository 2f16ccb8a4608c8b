// Tenant scoping is structural: domain code never gets a bare table for tenant data. It gets an
// InstallationScope (staff, PSA API keys, jobs) or a ClientScope (portal users), whose `from()`
// always filters by the installation — and by the client, for a ClientScope — and whose `insert()`
// always stamps them. A ClientScope refuses tables it cannot filter by client, so reading another
// client's refunds, say, cannot be written by accident. Composite foreign keys (installation_id, x_id)
// in the schema back this up: a row can never point into another installation.
import type { Knex } from 'knex';
import type { DbOrTrx } from './database';

/** Tenant-owned tables, and the column that ties each to a client (null: installation-wide only). */
const CLIENT_COLUMN = {
  stripe_connections: null,
  staff_users: null,
  api_keys: null,
  clients: 'id',
  client_contacts: 'client_id',
  portal_users: 'client_id',
  invoices: 'client_id',
  payment_methods: 'client_id',
  payments: 'client_id',
  client_credits: 'client_id',
  charge_attempts: 'client_id',
  allocations: null,
  refunds: null,
  disputes: null,
  stripe_events: null,
  stripe_object_syncs: null,
  outbox: null,
  audit_log: 'client_id',
  oauth_states: null,
  stripe_customer_cache: null,
  mapping_runs: null,
  mapping_suggestions: 'client_id',
  notifications: null,
  email_preferences: null,
  invoice_write_offs: null,
  ledger_reversals: null,
  reconciliation_exceptions: null,
  payouts: null,
  payout_transactions: null,
  client_summaries: 'client_id',
  setup_links: 'client_id',
  live_events: null,
} as const;

export type TenantTable = keyof typeof CLIENT_COLUMN;
export type ClientTable = { [K in TenantTable]: (typeof CLIENT_COLUMN)[K] extends null ? never : K }[TenantTable];

type Row = Record<string, unknown>;

export class InstallationScope {
  constructor(
    readonly db: DbOrTrx,
    readonly installationId: string,
  ) {}

  /** A query on a tenant table, already limited to this installation. */
  from(table: TenantTable): Knex.QueryBuilder {
    return this.db(table).where(`${table}.installation_id`, this.installationId);
  }

  /** Inserts rows stamped with this installation; a conflicting installation_id is an error. */
  insert(table: TenantTable, rows: Row | Row[]): Knex.QueryBuilder {
    const list = (Array.isArray(rows) ? rows : [rows]).map((r) => stamp(r, 'installation_id', this.installationId));
    return this.db(table).insert(list);
  }

  forClient(clientId: string): ClientScope {
    return new ClientScope(this.db, this.installationId, clientId);
  }

  /** Runs `fn` in a transaction with a scope bound to it (use only the scope inside). */
  transaction<T>(fn: (scope: InstallationScope) => Promise<T>): Promise<T> {
    return this.db.transaction((trx) => fn(new InstallationScope(trx, this.installationId)));
  }
}

export class ClientScope {
  constructor(
    readonly db: DbOrTrx,
    readonly installationId: string,
    readonly clientId: string,
  ) {}

  from(table: ClientTable): Knex.QueryBuilder {
    const column = CLIENT_COLUMN[table];
    if (column === null) throw new Error(`${table} is not reachable from a client scope`);
    return this.db(table).where(`${table}.installation_id`, this.installationId).andWhere(`${table}.${column}`, this.clientId);
  }

  insert(table: ClientTable, rows: Row | Row[]): Knex.QueryBuilder {
    const column = CLIENT_COLUMN[table];
    if (column === null || column === 'id') throw new Error(`cannot insert into ${table} from a client scope`);
    const list = (Array.isArray(rows) ? rows : [rows]).map((r) =>
      stamp(stamp(r, 'installation_id', this.installationId), column, this.clientId),
    );
    return this.db(table).insert(list);
  }

  transaction<T>(fn: (scope: ClientScope) => Promise<T>): Promise<T> {
    return this.db.transaction((trx) => fn(new ClientScope(trx, this.installationId, this.clientId)));
  }
}

function stamp(row: Row, column: string, value: string): Row {
  if (row[column] !== undefined && row[column] !== value) {
    throw new Error(`refusing to write ${column}=${String(row[column])} through a scope for ${value}`);
  }
  return { ...row, [column]: value };
}
