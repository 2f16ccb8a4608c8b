// "Connect with Stripe": the OAuth `state` of each authorization in flight, bound to the admin's
// session and single use, so a callback can only complete the flow the same browser started.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('oauth_states', (t) => {
    t.text('state_hash').primary();
    t.uuid('installation_id').notNullable().references('id').inTable('installations');
    t.text('session_id').notNullable();
    t.uuid('staff_user_id').notNullable();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('used_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['installation_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('oauth_states');
}
