// Settle v1 schema. Conventions:
// - every tenant-owned row carries installation_id, and references other tenant rows through
//   composite foreign keys (installation_id, x_id), so a row can never point into another tenant;
// - money is an integer number of minor units (bigint) next to an ISO 4217 currency code;
// - instants are timestamptz, calendar dates (due dates) are date;
// - unique constraints encode the invariants (one Stripe event per installation, one PSA ref per
//   installation, one charge attempt per invoice and attempt number, one idempotency key per write).
import type { Knex } from 'knex';

const uuidPk = (knex: Knex, t: Knex.CreateTableBuilder) => t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
const timestamps = (knex: Knex, t: Knex.CreateTableBuilder) => {
  t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
};
const tenant = (t: Knex.CreateTableBuilder) => {
  t.uuid('installation_id').notNullable().references('id').inTable('installations');
};
const money = (t: Knex.CreateTableBuilder, column: string) => t.bigInteger(column).notNullable();
const currency = (t: Knex.CreateTableBuilder) => t.specificType('currency', 'char(3)').notNullable();
/** Composite FK that keeps a reference inside one installation. */
const tenantRef = (t: Knex.CreateTableBuilder, column: string, table: string, onDelete = 'RESTRICT') =>
  t.foreign(['installation_id', column]).references(['installation_id', 'id']).inTable(table).onDelete(onDelete);
const check = (knex: Knex, table: string, name: string, expr: string) =>
  knex.raw(`alter table ?? add constraint ?? check (${expr})`, [table, `${table}_${name}_check`]);
const oneOf = (column: string, values: readonly string[]) => `${column} in (${values.map((v) => `'${v}'`).join(', ')})`;

export const INVOICE_STATUSES = ['open', 'processing', 'partially_paid', 'paid', 'overpaid', 'void'] as const;
export const PAYMENT_STATUSES = ['pending', 'processing', 'requires_action', 'succeeded', 'failed', 'canceled'] as const;
export const PAYMENT_SOURCES = ['portal', 'autopay', 'link', 'technician', 'bank_transfer', 'offline'] as const;
export const PAYMENT_METHOD_STATUSES = ['pending_verification', 'active', 'verification_failed', 'expired', 'detached'] as const;

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('installations', (t) => {
    uuidPk(knex, t);
    t.text('name').notNullable();
    t.text('psa_tenant_ref').notNullable().unique();
    currency(t);
    t.text('timezone').notNullable().defaultTo('America/New_York');
    t.text('status').notNullable().defaultTo('active');
    // Enabled methods, autopay policy (run time, retry schedule, max amount), partial payments,
    // underpayment tolerance: validated by the installations module, versioned by its schema.
    t.jsonb('settings').notNullable().defaultTo('{}');
    t.text('psa_webhook_url');
    t.text('psa_webhook_secret_enc');
    t.timestamp('uninstalled_at', { useTz: true });
    timestamps(knex, t);
  });
  await check(knex, 'installations', 'status', oneOf('status', ['active', 'uninstalled']));
  await check(knex, 'installations', 'currency', "currency ~ '^[A-Z]{3}$'");

  await knex.schema.createTable('stripe_connections', (t) => {
    uuidPk(knex, t);
    tenant(t);
    t.text('mode').notNullable();
    t.text('account_id').notNullable();
    t.boolean('livemode').notNullable();
    t.text('status').notNullable().defaultTo('active');
    t.text('secret_enc'); // restricted key or OAuth access token, AES-256-GCM
    t.text('refresh_token_enc');
    t.timestamp('access_token_expires_at', { useTz: true });
    t.text('publishable_key');
    t.jsonb('permissions').notNullable().defaultTo('[]');
    t.text('webhook_endpoint_id');
    t.text('webhook_secret_enc');
    t.timestamp('connected_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('disconnected_at', { useTz: true });
    timestamps(knex, t);
  });
  await check(knex, 'stripe_connections', 'mode', oneOf('mode', ['oauth', 'restricted_key', 'emulator']));
  await check(knex, 'stripe_connections', 'status', oneOf('status', ['active', 'error', 'disconnected']));
  await knex.raw(
    "create unique index stripe_connections_one_active on stripe_connections (installation_id) where status <> 'disconnected'",
  );

  await knex.schema.createTable('staff_users', (t) => {
    uuidPk(knex, t);
    tenant(t);
    t.text('email').notNullable();
    t.text('name').notNullable();
    t.text('role').notNullable();
    t.text('password_hash'); // null for users who only arrive through a signed PSA launch
    t.text('psa_user_ref');
    t.timestamp('last_login_at', { useTz: true });
    t.timestamp('disabled_at', { useTz: true });
    timestamps(knex, t);
    t.unique(['installation_id', 'id']);
    t.unique(['installation_id', 'psa_user_ref']);
  });
  await check(knex, 'staff_users', 'role', oneOf('role', ['admin', 'technician']));
  // Email + password sign-in finds the account by email alone, so an email is one staff account.
  await knex.raw('create unique index staff_users_email_unique on staff_users (lower(email))');

  await knex.schema.createTable('clients', (t) => {
    uuidPk(knex, t);
    tenant(t);
    t.text('psa_ref').notNullable();
    t.text('name').notNullable();
    t.text('email');
    t.text('stripe_customer_id');
    t.text('mapping_status').notNullable().defaultTo('unmapped');
    t.text('mapping_source');
    t.boolean('autopay_enabled').notNullable().defaultTo(false);
    t.uuid('autopay_payment_method_id');
    t.jsonb('autopay_consent'); // {text, accepted_at, ip, user_agent, portal_user_id}
    t.text('autopay_paused_reason');
    timestamps(knex, t);
    t.unique(['installation_id', 'psa_ref']);
    t.unique(['installation_id', 'id']);
  });
  await check(knex, 'clients', 'mapping_status', oneOf('mapping_status', ['unmapped', 'mapped', 'ignored']));
  await knex.raw(
    'create unique index clients_stripe_customer_unique on clients (installation_id, stripe_customer_id) where stripe_customer_id is not null',
  );
  await knex.raw('create index clients_name_idx on clients (installation_id, lower(name))');

  await knex.schema.createTable('client_contacts', (t) => {
    uuidPk(knex, t);
    tenant(t);
    t.uuid('client_id').notNullable();
    t.text('name').notNullable();
    t.text('email').notNullable();
    t.text('phone');
    t.boolean('is_billing').notNullable().defaultTo(false);
    timestamps(knex, t);
    tenantRef(t, 'client_id', 'clients', 'CASCADE');
    t.index(['installation_id', 'client_id']);
  });

  await knex.schema.createTable('portal_users', (t) => {
    uuidPk(knex, t);
    tenant(t);
    t.uuid('client_id').notNullable();
    t.uuid('contact_id').references('id').inTable('client_contacts').onDelete('SET NULL');
    t.text('email').notNullable();
    t.text('name').notNullable();
    t.text('password_hash'); // null until the invite is accepted
    t.text('invite_token_hash').unique();
    t.timestamp('invite_expires_at', { useTz: true });
    t.timestamp('last_login_at', { useTz: true });
    t.timestamp('disabled_at', { useTz: true });
    timestamps(knex, t);
    tenantRef(t, 'client_id', 'clients');
    t.unique(['installation_id', 'id']);
    t.index(['installation_id', 'client_id']);
  });
  await knex.raw('create unique index portal_users_email_unique on portal_users (lower(email))');

  await knex.schema.createTable('sessions', (t) => {
    t.text('id').primary(); // sha256 of the cookie token; the token itself is never stored
    t.text('kind').notNullable();
    t.uuid('installation_id').notNullable().references('id').inTable('installations');
    t.uuid('staff_user_id').references('id').inTable('staff_users').onDelete('CASCADE');
    t.uuid('portal_user_id').references('id').inTable('portal_users').onDelete('CASCADE');
    t.uuid('client_id').references('id').inTable('clients').onDelete('CASCADE');
    t.text('csrf_token').notNullable();
    t.text('ip');
    t.text('user_agent');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('last_seen_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('idle_expires_at', { useTz: true }).notNullable();
    t.timestamp('absolute_expires_at', { useTz: true }).notNullable();
    t.index(['absolute_expires_at']);
    t.index(['staff_user_id']);
    t.index(['portal_user_id']);
  });
  await check(
    knex,
    'sessions',
    'principal',
    "(kind = 'staff' and staff_user_id is not null and portal_user_id is null) or (kind = 'portal' and portal_user_id is not null and client_id is not null and staff_user_id is null)",
  );

  await knex.schema.createTable('login_attempts', (t) => {
    t.bigIncrements('id');
    t.text('kind').notNullable();
    t.text('email').notNullable(); // lower-cased
    t.text('ip');
    t.boolean('succeeded').notNullable();
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['kind', 'email', 'at']);
    t.index(['ip', 'at']);
  });

  await knex.schema.createTable('api_keys', (t) => {
    uuidPk(knex, t);
    tenant(t);
    t.text('name').notNullable();
    t.text('prefix').notNullable();
    t.text('key_hash').notNullable().unique();
    t.uuid('created_by');
    t.timestamp('last_used_at', { useTz: true });
    t.timestamp('revoked_at', { useTz: true });
    timestamps(knex, t);
    tenantRef(t, 'created_by', 'staff_users');
    t.index(['installation_id']);
  });

  await knex.schema.createTable('invoices', (t) => {
    uuidPk(knex, t);
    tenant(t);
    t.uuid('client_id').notNullable();
    t.text('psa_ref').notNullable();
    t.text('number').notNullable();
    currency(t);
    money(t, 'total');
    money(t, 'amount_paid').defaultTo(0); // derived from allocations
    money(t, 'amount_remaining');
    t.text('status').notNullable().defaultTo('open');
    t.date('issued_at').notNullable();
    t.date('due_date').notNullable();
    t.text('payment_link_token_hash').unique();
    t.timestamp('payment_link_revoked_at', { useTz: true });
    t.timestamp('voided_at', { useTz: true });
    timestamps(knex, t);
    tenantRef(t, 'client_id', 'clients');
    t.unique(['installation_id', 'psa_ref']);
    t.unique(['installation_id', 'id']);
    t.index(['installation_id', 'client_id', 'due_date']);
    t.index(['installation_id', 'status', 'due_date']);
    t.index(['installation_id', 'number']);
  });
  await check(knex, 'invoices', 'status', oneOf('status', INVOICE_STATUSES));
  await check(knex, 'invoices', 'amounts', 'total >= 0 and amount_paid >= 0');

  await knex.schema.createTable('payment_methods', (t) => {
    uuidPk(knex, t);
    tenant(t);
    t.uuid('client_id').notNullable();
    t.text('stripe_payment_method_id');
    t.text('setup_intent_id');
    t.text('type').notNullable();
    t.text('status').notNullable();
    t.text('brand');
    t.text('bank_name');
    t.text('last4');
    t.integer('exp_month');
    t.integer('exp_year');
    t.text('account_holder_type');
    t.text('account_type');
    t.boolean('is_default').notNullable().defaultTo(false);
    t.text('microdeposit_type');
    t.date('microdeposit_arrival_date');
    t.integer('verification_attempts_left');
    t.timestamp('verification_expires_at', { useTz: true });
    t.text('hosted_verification_url');
    t.text('mandate_id');
    t.jsonb('mandate_acceptance'); // {type, text, accepted_at, ip, user_agent, by}
    t.text('added_by_kind').notNullable();
    t.uuid('added_by_id');
    timestamps(knex, t);
    tenantRef(t, 'client_id', 'clients');
    t.unique(['installation_id', 'id']);
    t.index(['installation_id', 'client_id']);
  });
  await check(knex, 'payment_methods', 'type', oneOf('type', ['card', 'us_bank_account']));
  await check(knex, 'payment_methods', 'status', oneOf('status', PAYMENT_METHOD_STATUSES));
  await check(knex, 'payment_methods', 'added_by', oneOf('added_by_kind', ['client', 'technician', 'sync']));
  await knex.raw(
    'create unique index payment_methods_stripe_unique on payment_methods (installation_id, stripe_payment_method_id) where stripe_payment_method_id is not null',
  );
  await knex.raw(
    'create unique index payment_methods_setup_intent_unique on payment_methods (installation_id, setup_intent_id) where setup_intent_id is not null',
  );
  await knex.raw(
    "create unique index payment_methods_one_default on payment_methods (installation_id, client_id) where is_default and status <> 'detached'",
  );
  await knex.schema.alterTable('clients', (t) => {
    tenantRef(t, 'autopay_payment_method_id', 'payment_methods');
  });

  await knex.schema.createTable('payments', (t) => {
    uuidPk(knex, t);
    tenant(t);
    t.uuid('client_id'); // null only for unidentified bank transfers awaiting a person
    t.text('source').notNullable();
    t.text('status').notNullable();
    money(t, 'amount');
    currency(t);
    money(t, 'amount_refunded').defaultTo(0);
    t.text('method_type');
    t.uuid('payment_method_id');
    t.text('stripe_payment_intent_id').unique();
    t.text('stripe_charge_id');
    t.text('idempotency_key').unique();
    t.text('failure_code');
    t.text('decline_code');
    t.text('failure_message');
    t.text('dispute_status');
    t.text('reference');
    t.text('payer_name');
    t.text('payer_email');
    t.timestamp('received_at', { useTz: true });
    t.timestamp('succeeded_at', { useTz: true });
    t.text('created_by_kind');
    t.uuid('created_by_id');
    timestamps(knex, t);
    tenantRef(t, 'client_id', 'clients');
    tenantRef(t, 'payment_method_id', 'payment_methods');
    t.unique(['installation_id', 'id']);
    t.index(['installation_id', 'client_id', 'created_at']);
    t.index(['installation_id', 'status', 'updated_at']);
  });
  await check(knex, 'payments', 'source', oneOf('source', PAYMENT_SOURCES));
  await check(knex, 'payments', 'status', oneOf('status', PAYMENT_STATUSES));
  await check(knex, 'payments', 'amounts', 'amount > 0 and amount_refunded >= 0 and amount_refunded <= amount');

  await knex.schema.createTable('allocations', (t) => {
    uuidPk(knex, t);
    tenant(t);
    t.uuid('payment_id').notNullable();
    t.uuid('invoice_id').notNullable();
    money(t, 'amount');
    currency(t);
    t.text('rule').notNullable(); // metadata | invoice_number | exact_amount | group | tolerance | oldest_first | manual
    t.decimal('confidence', 5, 4).notNullable().defaultTo(1);
    t.text('created_by_kind').notNullable().defaultTo('system');
    t.uuid('created_by_id');
    t.timestamp('reversed_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    tenantRef(t, 'payment_id', 'payments');
    tenantRef(t, 'invoice_id', 'invoices');
    t.index(['installation_id', 'invoice_id']);
    t.index(['installation_id', 'payment_id']);
  });
  await check(knex, 'allocations', 'amount', 'amount > 0');
  await check(knex, 'allocations', 'confidence', 'confidence >= 0 and confidence <= 1');

  await knex.schema.createTable('client_credits', (t) => {
    t.bigIncrements('id');
    tenant(t);
    t.uuid('client_id').notNullable();
    t.bigInteger('amount').notNullable(); // signed: + credit granted, - credit applied
    currency(t);
    t.text('reason').notNullable();
    t.uuid('payment_id');
    t.uuid('invoice_id');
    t.text('created_by_kind').notNullable().defaultTo('system');
    t.uuid('created_by_id');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    tenantRef(t, 'client_id', 'clients');
    tenantRef(t, 'payment_id', 'payments');
    tenantRef(t, 'invoice_id', 'invoices');
    t.index(['installation_id', 'client_id']);
  });
  await check(knex, 'client_credits', 'amount', 'amount <> 0');

  await knex.schema.createTable('charge_attempts', (t) => {
    uuidPk(knex, t);
    tenant(t);
    t.uuid('invoice_id').notNullable();
    t.uuid('client_id').notNullable();
    t.integer('attempt_no').notNullable();
    t.timestamp('scheduled_for', { useTz: true }).notNullable();
    t.text('idempotency_key').notNullable().unique();
    t.uuid('payment_id');
    t.uuid('payment_method_id');
    money(t, 'amount');
    currency(t);
    t.text('status').notNullable().defaultTo('pending');
    t.text('failure_code');
    t.text('decline_code');
    t.timestamp('next_retry_at', { useTz: true });
    t.text('trigger').notNullable().defaultTo('autopay');
    timestamps(knex, t);
    tenantRef(t, 'invoice_id', 'invoices');
    tenantRef(t, 'client_id', 'clients');
    tenantRef(t, 'payment_id', 'payments');
    tenantRef(t, 'payment_method_id', 'payment_methods');
    t.unique(['invoice_id', 'attempt_no']);
    t.index(['installation_id', 'status', 'next_retry_at']);
  });
  await check(
    knex,
    'charge_attempts',
    'status',
    oneOf('status', ['pending', 'in_flight', 'unknown', 'processing', 'succeeded', 'failed', 'requires_action', 'skipped']),
  );
  await check(knex, 'charge_attempts', 'attempt_no', 'attempt_no >= 1');
  await knex.raw(
    "create unique index charge_attempts_one_in_flight on charge_attempts (invoice_id) where status in ('pending', 'in_flight', 'unknown', 'processing')",
  );

  await knex.schema.createTable('refunds', (t) => {
    uuidPk(knex, t);
    tenant(t);
    t.uuid('payment_id').notNullable();
    t.text('stripe_refund_id').unique();
    money(t, 'amount');
    currency(t);
    t.text('status').notNullable();
    t.text('reason');
    t.text('failure_reason');
    t.text('idempotency_key').unique();
    t.uuid('requested_by');
    timestamps(knex, t);
    tenantRef(t, 'payment_id', 'payments');
    tenantRef(t, 'requested_by', 'staff_users');
    t.index(['installation_id', 'payment_id']);
  });
  await check(knex, 'refunds', 'status', oneOf('status', ['pending', 'requires_action', 'succeeded', 'failed', 'canceled']));
  await check(knex, 'refunds', 'amount', 'amount > 0');

  await knex.schema.createTable('disputes', (t) => {
    uuidPk(knex, t);
    tenant(t);
    t.uuid('payment_id').notNullable();
    t.text('stripe_dispute_id').notNullable().unique();
    money(t, 'amount');
    currency(t);
    t.text('reason');
    t.text('status').notNullable();
    t.timestamp('evidence_due_by', { useTz: true });
    t.timestamp('closed_at', { useTz: true });
    timestamps(knex, t);
    tenantRef(t, 'payment_id', 'payments');
    t.index(['installation_id', 'status']);
  });

  await knex.schema.createTable('stripe_events', (t) => {
    uuidPk(knex, t);
    tenant(t);
    t.text('stripe_event_id').notNullable();
    t.text('type').notNullable();
    t.text('api_version');
    t.boolean('livemode').notNullable();
    t.jsonb('payload').notNullable();
    t.text('status').notNullable().defaultTo('pending');
    t.integer('attempts').notNullable().defaultTo(0);
    t.text('last_error');
    t.timestamp('stripe_created_at', { useTz: true }).notNullable();
    t.timestamp('received_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('locked_until', { useTz: true });
    t.timestamp('processed_at', { useTz: true });
    // Event ids are unique within a Stripe account; the same account connected to two
    // installations legitimately delivers one event to both endpoints.
    t.unique(['installation_id', 'stripe_event_id']);
    t.index(['status', 'received_at']);
    t.index(['installation_id', 'received_at']);
  });
  await check(knex, 'stripe_events', 'status', oneOf('status', ['pending', 'processing', 'processed', 'ignored', 'failed', 'dead']));

  await knex.schema.createTable('outbox', (t) => {
    uuidPk(knex, t);
    tenant(t);
    t.text('kind').notNullable();
    t.text('dedupe_key').notNullable();
    t.jsonb('payload').notNullable();
    t.text('status').notNullable().defaultTo('pending');
    t.integer('attempts').notNullable().defaultTo(0);
    t.timestamp('next_attempt_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.text('last_error');
    t.timestamp('sent_at', { useTz: true });
    timestamps(knex, t);
    t.unique(['installation_id', 'kind', 'dedupe_key']);
    t.index(['status', 'next_attempt_at']);
  });
  await check(knex, 'outbox', 'kind', oneOf('kind', ['psa_webhook', 'email']));
  await check(knex, 'outbox', 'status', oneOf('status', ['pending', 'sending', 'sent', 'stored', 'dead']));

  await knex.schema.createTable('audit_log', (t) => {
    t.bigIncrements('id');
    tenant(t);
    t.text('actor_type').notNullable();
    t.uuid('actor_id');
    t.text('actor_label');
    t.text('action').notNullable();
    t.text('subject_type');
    t.text('subject_id');
    t.uuid('client_id');
    t.jsonb('details').notNullable().defaultTo('{}');
    t.text('ip');
    t.text('request_id');
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['installation_id', 'at']);
    t.index(['installation_id', 'subject_type', 'subject_id']);
    t.index(['installation_id', 'client_id', 'at']);
  });
  await check(knex, 'audit_log', 'actor_type', oneOf('actor_type', ['staff', 'portal', 'api_key', 'psa', 'system']));
  // Append-only: the application role may insert and read, never rewrite history.
  await knex.raw(`
    create function audit_log_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_log is append-only';
    end $$;
  `);
  await knex.raw(
    'create trigger audit_log_no_update before update or delete on audit_log for each row execute function audit_log_append_only()',
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop trigger if exists audit_log_no_update on audit_log');
  await knex.raw('drop function if exists audit_log_append_only()');
  for (const table of [
    'audit_log',
    'outbox',
    'stripe_events',
    'disputes',
    'refunds',
    'charge_attempts',
    'client_credits',
    'allocations',
    'payments',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
  await knex.schema.alterTable('clients', (t) => t.dropForeign(['installation_id', 'autopay_payment_method_id']));
  for (const table of [
    'payment_methods',
    'invoices',
    'api_keys',
    'login_attempts',
    'sessions',
    'portal_users',
    'client_contacts',
    'clients',
    'staff_users',
    'stripe_connections',
    'installations',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
}
