// The webhook acknowledgement path inserts one stripe_events row per delivery, 1,000+ a second, and
// each index and constraint on the table is paid on that path before Stripe gets its 2xx.
// - The foreign key to installations is dropped: checking it takes a KEY SHARE row lock on the one
//   installation row for every insert (a page write on embedded PGlite, MultiXact churn on
//   PostgreSQL when many deliveries for one installation commit at once). The row's installation is
//   already proven by the delivery's signature (the secret is read from that installation's
//   connection), and installations are never deleted (an uninstall keeps the financial records).
// - The (status, received_at) index is dropped: workers claim through the partial
//   stripe_events_claimable_idx and every reader filters by installation first.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table stripe_events drop constraint if exists stripe_events_installation_id_foreign');
  await knex.raw('drop index if exists stripe_events_status_received_at_index');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('create index stripe_events_status_received_at_index on stripe_events (status, received_at)');
  await knex.raw('alter table stripe_events add constraint stripe_events_installation_id_foreign foreign key (installation_id) references installations (id)');
}
