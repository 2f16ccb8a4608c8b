// Client portal: paying invoices, payment methods, access and payment links.
// - allocations.state: a portal/link payment stores its per-invoice split *before* the PaymentIntent
//   exists (`pending`), applies it when Stripe says succeeded (`applied`, the only state that counts
//   toward amount_paid) or drops it when the payment fails or is canceled (`canceled`). At most one
//   pending allocation per invoice: the database itself refuses a second payment in flight, whatever
//   the number of tabs, clicks or server processes.
// - invoices.payment_link_token_enc / payment_link_version: the public payment link token is random,
//   looked up by its hash (payment_link_token_hash) and kept sealed so technicians can copy the link
//   again; revoking drops it, and the next link is a new one (the version counts them).
// - portal_users: password reset tokens (hashed), who invited whom and when.
// - payment_methods: verification bookkeeping (last error, reminder sent, verified at).
// - rate_limits: fixed-window counters shared by every process (public payment links).
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('allocations', (t) => {
    t.text('state').notNullable().defaultTo('applied');
  });
  await knex.raw("alter table allocations add constraint allocations_state_check check (state in ('pending', 'applied', 'canceled'))");
  await knex.raw("create unique index allocations_one_pending_per_invoice on allocations (installation_id, invoice_id) where state = 'pending'");

  await knex.schema.alterTable('payments', (t) => {
    t.text('method_label');
  });

  await knex.schema.alterTable('invoices', (t) => {
    t.integer('payment_link_version').notNullable().defaultTo(0);
    t.text('payment_link_token_enc'); // sealed like other secrets, so technicians can copy the link again
  });

  await knex.schema.alterTable('portal_users', (t) => {
    t.text('reset_token_hash').unique();
    t.timestamp('reset_expires_at', { useTz: true });
    t.uuid('invited_by');
    t.timestamp('invite_sent_at', { useTz: true });
  });

  await knex.schema.alterTable('payment_methods', (t) => {
    t.text('last_verification_error');
    t.timestamp('verification_reminder_sent_at', { useTz: true });
    t.timestamp('verified_at', { useTz: true });
  });

  await knex.schema.createTable('rate_limits', (t) => {
    t.text('bucket').notNullable();
    t.text('key').notNullable();
    t.timestamp('window_start', { useTz: true }).notNullable();
    t.integer('count').notNullable().defaultTo(0);
    t.primary(['bucket', 'key', 'window_start']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('rate_limits');
  await knex.schema.alterTable('payment_methods', (t) => {
    t.dropColumn('last_verification_error');
    t.dropColumn('verification_reminder_sent_at');
    t.dropColumn('verified_at');
  });
  await knex.schema.alterTable('portal_users', (t) => {
    t.dropColumn('reset_token_hash');
    t.dropColumn('reset_expires_at');
    t.dropColumn('invited_by');
    t.dropColumn('invite_sent_at');
  });
  await knex.schema.alterTable('invoices', (t) => {
    t.dropColumn('payment_link_version');
    t.dropColumn('payment_link_token_enc');
  });
  await knex.schema.alterTable('payments', (t) => t.dropColumn('method_label'));
  await knex.raw('drop index if exists allocations_one_pending_per_invoice');
  await knex.schema.alterTable('allocations', (t) => t.dropColumn('state'));
}
