// PSA sync: a gap-free change feed of payments, versioned payments for the outbound write-back,
// delivery bookkeeping on the outbox, and contacts upserted by email.
//
// - payments.version: +1 on every update (a trigger), so each change has its own number; the
//   write-back's dedupe key is (payment, version) and the PSA applies a delivery only if its version
//   is newer than what it has (deliveries may arrive out of order after retries).
// - payments.sync_txid: the id of the transaction that last changed the payment (a trigger). The
//   feed (`GET /api/psa/payments?since=`) orders by (sync_txid, id) and only returns rows whose
//   transaction is older than every transaction still running, so a transaction that commits late
//   can never slip in behind a cursor a reader already passed (updated_at cannot promise that).
// - allocations changes touch their payment (version, sync_txid, updated_at), so "payments changed
//   since" includes payments whose allocations changed.
// - updated_at: bumped to now() by the trigger when an UPDATE did not set it itself.
import type { Knex } from 'knex';

const TXID = 'pg_current_xact_id()::text::bigint';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('payments', (t) => {
    t.integer('version').notNullable().defaultTo(1);
    t.bigInteger('sync_txid').notNullable().defaultTo(knex.raw(TXID));
    t.index(['installation_id', 'sync_txid', 'id'], 'payments_sync_feed_idx');
  });
  await knex.raw(`
    create function payments_touch() returns trigger language plpgsql as $$
    begin
      new.version := old.version + 1;
      new.sync_txid := ${TXID};
      if new.updated_at is not distinct from old.updated_at then
        new.updated_at := now();
      end if;
      return new;
    end $$;
  `);
  await knex.raw('create trigger payments_touch before update on payments for each row execute function payments_touch()');
  await knex.raw(`
    create function allocations_touch_payment() returns trigger language plpgsql as $$
    begin
      if tg_op in ('UPDATE', 'DELETE') then
        update payments set version = version where installation_id = old.installation_id and id = old.payment_id;
      end if;
      if tg_op in ('INSERT', 'UPDATE') and (tg_op = 'INSERT' or new.payment_id is distinct from old.payment_id) then
        update payments set version = version where installation_id = new.installation_id and id = new.payment_id;
      end if;
      return null;
    end $$;
  `);
  await knex.raw(
    'create trigger allocations_touch_payment after insert or update or delete on allocations for each row execute function allocations_touch_payment()',
  );

  await knex.schema.alterTable('outbox', (t) => {
    t.uuid('subject_id'); // the payment a psa_webhook delivery is about
    t.timestamp('last_attempt_at', { useTz: true });
    t.integer('last_response_status');
    t.timestamp('locked_until', { useTz: true }); // lease while status = 'sending'
    t.index(['installation_id', 'status', 'created_at'], 'outbox_installation_status_idx');
  });

  await knex.schema.alterTable('client_contacts', (t) => {
    // Set when the PSA's list for the client no longer has this contact: kept (a portal user may hang
    // off it), no longer billing; cleared if the PSA lists it again.
    t.timestamp('removed_from_psa_at', { useTz: true });
  });
  await knex.raw('create unique index client_contacts_email_unique on client_contacts (installation_id, client_id, lower(email))');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists client_contacts_email_unique');
  await knex.schema.alterTable('client_contacts', (t) => t.dropColumn('removed_from_psa_at'));
  await knex.schema.alterTable('outbox', (t) => {
    t.dropIndex(['installation_id', 'status', 'created_at'], 'outbox_installation_status_idx');
    t.dropColumns('subject_id', 'last_attempt_at', 'last_response_status', 'locked_until');
  });
  await knex.raw('drop trigger if exists allocations_touch_payment on allocations');
  await knex.raw('drop function if exists allocations_touch_payment()');
  await knex.raw('drop trigger if exists payments_touch on payments');
  await knex.raw('drop function if exists payments_touch()');
  await knex.schema.alterTable('payments', (t) => {
    t.dropIndex(['installation_id', 'sync_txid', 'id'], 'payments_sync_feed_idx');
    t.dropColumns('version', 'sync_txid');
  });
}
