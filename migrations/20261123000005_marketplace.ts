// Marketplace install/launch: single-use signed requests, and staff users that arrive from the PSA
// without a password (their email need not be unique across installations; password users' must).
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('marketplace_nonces', (t) => {
    t.text('signature_hash').primary();
    t.text('action').notNullable();
    t.text('psa_tenant_ref').notNullable();
    t.timestamp('used_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.index(['expires_at']);
  });
  await knex.raw('drop index staff_users_email_unique');
  await knex.raw('create unique index staff_users_password_email_unique on staff_users (lower(email)) where password_hash is not null');
  await knex.raw('create unique index staff_users_installation_email_unique on staff_users (installation_id, lower(email))');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index staff_users_installation_email_unique');
  await knex.raw('drop index staff_users_password_email_unique');
  await knex.raw('create unique index staff_users_email_unique on staff_users (lower(email))');
  await knex.schema.dropTable('marketplace_nonces');
}
