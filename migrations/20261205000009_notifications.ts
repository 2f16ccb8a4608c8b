// Notifications (issue 6):
// - notifications: one row per event Settle told someone about (`attempt:{id}:failed`,
//   `dispute:{id}:created`, `autopay-upcoming:{invoiceId}:{dueDate}` …), unique per installation.
//   The row is inserted in the same transaction that queues the emails, so a crash can neither lose
//   a notice nor send it twice, and any number of processes may look for due notices at once.
// - email_preferences: who unsubscribed from which non-essential category (upcoming autopay notices,
//   verification reminders), per installation and lower-cased email. Essential mail ignores it.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('notifications', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('installation_id').notNullable().references('id').inTable('installations');
    t.text('event_key').notNullable();
    t.text('category').notNullable();
    t.uuid('client_id');
    t.text('subject_type');
    t.text('subject_id');
    t.integer('recipients').notNullable().defaultTo(0);
    t.integer('suppressed').notNullable().defaultTo(0);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['installation_id', 'event_key']);
    t.foreign(['installation_id', 'client_id']).references(['installation_id', 'id']).inTable('clients');
    t.index(['installation_id', 'client_id', 'created_at']);
  });
  await knex.schema.createTable('email_preferences', (t) => {
    t.uuid('installation_id').notNullable().references('id').inTable('installations');
    t.text('email').notNullable();
    t.text('category').notNullable();
    t.boolean('unsubscribed').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['installation_id', 'email', 'category']);
  });
  await knex.raw("alter table email_preferences add constraint email_preferences_email_lower_check check (email = lower(email))");
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('email_preferences');
  await knex.schema.dropTable('notifications');
}
