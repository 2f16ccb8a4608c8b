// Client mapping: a per-installation cache of the Stripe account's customers (filled by the import
// job, page by page), the import runs themselves (status, progress and the resume cursor), and the
// suggestions the last run computed for unmapped clients.
import type { Knex } from 'knex';

const RUN_STATUSES = ['queued', 'fetching', 'suggesting', 'done', 'failed'] as const;
const ACTIVE = "status in ('queued', 'fetching', 'suggesting')";

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('stripe_customer_cache', (t) => {
    t.uuid('installation_id').notNullable().references('id').inTable('installations');
    t.text('customer_id').notNullable();
    t.text('name');
    t.text('email');
    t.jsonb('metadata').notNullable().defaultTo('{}');
    t.boolean('deleted').notNullable().defaultTo(false);
    t.bigInteger('stripe_created'); // unix seconds, as Stripe gives it
    // The import run that last saw this customer: after a complete fetch, rows not seen by that
    // run are customers deleted in Stripe since.
    t.uuid('seen_run_id');
    t.timestamp('fetched_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['installation_id', 'customer_id']);
    t.index(['installation_id', 'seen_run_id']);
  });
  await knex.raw('create index stripe_customer_cache_email_idx on stripe_customer_cache (installation_id, lower(email))');
  await knex.raw('create index stripe_customer_cache_name_idx on stripe_customer_cache (installation_id, lower(name))');

  await knex.schema.createTable('mapping_runs', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    // Creation order even when two runs share a timestamp (an injected clock): "latest" is max(seq).
    t.bigIncrements('seq', { primaryKey: false });
    t.uuid('installation_id').notNullable().references('id').inTable('installations');
    t.text('status').notNullable().defaultTo('queued');
    t.integer('customers_fetched').notNullable().defaultTo(0);
    t.integer('list_calls').notNullable().defaultTo(0);
    // Last customer id stored; a resumed run lists `starting_after` it.
    t.text('cursor');
    // Every page was stored; a resumed run goes straight to computing suggestions.
    t.boolean('fetched_all').notNullable().defaultTo(false);
    t.integer('clients_considered');
    t.integer('suggestions_count');
    t.integer('attempts').notNullable().defaultTo(0);
    t.uuid('started_by');
    t.timestamp('started_at', { useTz: true });
    t.timestamp('heartbeat_at', { useTz: true });
    t.timestamp('finished_at', { useTz: true });
    t.text('error');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['installation_id', 'id']);
    t.foreign(['installation_id', 'started_by']).references(['installation_id', 'id']).inTable('staff_users');
    t.index(['installation_id', 'seq']);
  });
  await knex.raw(`alter table mapping_runs add constraint mapping_runs_status_check check (status in (${RUN_STATUSES.map((s) => `'${s}'`).join(', ')}))`);
  // One run at a time per installation.
  await knex.raw(`create unique index mapping_runs_one_active on mapping_runs (installation_id) where ${ACTIVE}`);

  await knex.schema.createTable('mapping_suggestions', (t) => {
    t.bigIncrements('id');
    t.uuid('installation_id').notNullable().references('id').inTable('installations');
    t.uuid('run_id').notNullable();
    t.uuid('client_id').notNullable();
    t.text('customer_id').notNullable();
    t.decimal('confidence', 4, 3).notNullable();
    t.text('reason').notNullable();
    t.text('kind').notNullable();
    t.smallint('rank').notNullable();
    t.foreign(['installation_id', 'client_id']).references(['installation_id', 'id']).inTable('clients').onDelete('CASCADE');
    t.foreign(['installation_id', 'run_id']).references(['installation_id', 'id']).inTable('mapping_runs').onDelete('CASCADE');
    t.unique(['installation_id', 'client_id', 'rank']);
    t.unique(['installation_id', 'client_id', 'customer_id']);
  });
  await knex.raw('alter table mapping_suggestions add constraint mapping_suggestions_confidence_check check (confidence >= 0 and confidence <= 1)');
  await knex.raw('create index mapping_suggestions_top_idx on mapping_suggestions (installation_id, confidence desc) where rank = 1');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('mapping_suggestions');
  await knex.schema.dropTableIfExists('mapping_runs');
  await knex.schema.dropTableIfExists('stripe_customer_cache');
}
