// Webhook pipeline: the stripe_events table is the work queue (claimed with FOR UPDATE SKIP LOCKED,
// leased with locked_until, retried at next_attempt_at, dead-lettered as status 'dead'), and
// convergent sync of Stripe objects is ordered by tickets.
//
// - stripe_events.next_attempt_at: when a failed event may be claimed again (backoff).
// - stripe_events.object_id: the id of data.object (pi_…, seti_…), for the health panel and support.
// - stripe_events.status 'deferred': stored and acknowledged, left for a module that does not exist
//   yet (bank-transfer reconciliation and payouts: the ledger) to process from this table.
// - stripe_sync_seq + stripe_object_syncs: every sync of a Stripe object takes a ticket from the
//   sequence *before* it fetches the object, and writes only if its ticket is newer than the last
//   one written for that object. Two workers syncing one object at once therefore cannot leave the
//   older fetch on top: the write from the most recently started fetch wins. synced_at is what the
//   drift sweep orders by (least recently synced first), without touching the business rows.
// - payment_methods.mandate_status: what Stripe says about the mandate (active|inactive|pending);
//   an inactive mandate is recorded here for the autopay module to pause on.
import type { Knex } from 'knex';

const EVENT_STATUSES_BEFORE = ['pending', 'processing', 'processed', 'ignored', 'failed', 'dead'];
const EVENT_STATUSES = [...EVENT_STATUSES_BEFORE, 'deferred'];
const oneOf = (column: string, values: readonly string[]) => `${column} in (${values.map((v) => `'${v}'`).join(', ')})`;

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('stripe_events', (t) => {
    t.timestamp('next_attempt_at', { useTz: true });
    t.text('object_id');
  });
  await knex.raw('alter table stripe_events drop constraint stripe_events_status_check');
  await knex.raw(`alter table stripe_events add constraint stripe_events_status_check check (${oneOf('status', EVENT_STATUSES)})`);
  // The claim query's working set: only rows that still need a worker.
  await knex.raw(
    "create index stripe_events_claimable_idx on stripe_events (received_at) where status in ('pending', 'failed', 'processing')",
  );
  await knex.raw('create index stripe_events_dead_idx on stripe_events (installation_id, received_at) where status = \'dead\'');

  await knex.raw('create sequence stripe_sync_seq');
  await knex.schema.createTable('stripe_object_syncs', (t) => {
    t.uuid('installation_id').notNullable().references('id').inTable('installations');
    t.text('object_id').notNullable();
    t.bigInteger('seq').notNullable();
    t.timestamp('synced_at', { useTz: true }).notNullable();
    t.primary(['installation_id', 'object_id']);
  });

  await knex.schema.alterTable('payment_methods', (t) => {
    t.text('mandate_status');
    t.timestamp('mandate_status_changed_at', { useTz: true });
  });
  await knex.raw(
    "alter table payment_methods add constraint payment_methods_mandate_status_check check (mandate_status is null or mandate_status in ('active', 'inactive', 'pending'))",
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table payment_methods drop constraint if exists payment_methods_mandate_status_check');
  await knex.schema.alterTable('payment_methods', (t) => {
    t.dropColumn('mandate_status');
    t.dropColumn('mandate_status_changed_at');
  });
  await knex.schema.dropTableIfExists('stripe_object_syncs');
  await knex.raw('drop sequence if exists stripe_sync_seq');
  await knex.raw('drop index if exists stripe_events_dead_idx');
  await knex.raw('drop index if exists stripe_events_claimable_idx');
  await knex.raw("update stripe_events set status = 'ignored' where status = 'deferred'");
  await knex.raw('alter table stripe_events drop constraint stripe_events_status_check');
  await knex.raw(`alter table stripe_events add constraint stripe_events_status_check check (${oneOf('status', EVENT_STATUSES_BEFORE)})`);
  await knex.schema.alterTable('stripe_events', (t) => {
    t.dropColumn('next_attempt_at');
    t.dropColumn('object_id');
  });
}
