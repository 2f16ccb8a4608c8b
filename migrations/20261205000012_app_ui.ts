// Technician UI (/app): a clients list that stays fast with 10,000 clients, the dashboard, the
// payments list, the audit log page and live updates.
//
// - client_summaries: one narrow row per client with what the list searches, filters and sorts by
//   (name, a search string, mapping, autopay, balance due, oldest unpaid due date, last payment, latest
//   payment failed, bank accounts awaiting verification), kept by statement-level triggers on
//   clients, invoices, payments and payment_methods in the changing transaction. Computing these per
//   request aggregates every invoice of the installation for each page, and even joining 10,000
//   clients to count them costs tens of ms; here a page is an index scan and its total a narrow
//   count. "Overdue" depends on today in the MSP's timezone, so it is derived at read time from
//   oldest_due_date, never stored.
// - search_text: lower-cased name, email, PSA ref and Stripe customer id, searched with
//   `like '%term%'`. On PostgreSQL with pg_trgm available a trigram GIN index serves it; PGlite ships
//   without pg_trgm unless loaded at boot, so there the same query scans 10,000 short strings (a
//   few ms). Same SQL, same results on both.
// - live_events: payment and invoice status changes, written by triggers (whatever code path made
//   them, in the same transaction) and announced with NOTIFY settle_live (delivered at commit, to
//   every process listening on PostgreSQL). The rows let a reconnecting browser replay what it
//   missed (Last-Event-ID) and let PGlite (one process, one connection, so ids commit in order)
//   poll instead of listening. Old rows are pruned by a job.
// - setup_links: "add your card or bank account" links a technician sends a client contact: a random
//   token looked up by its hash, single use, 72 hours, tied to one client and contact.
// - indexes for the payments list, the dashboard's collected-per-day chart and the audit log filters.
import type { Knex } from 'knex';

export const CLIENT_REFRESH = `
create function client_summaries_refresh(ids uuid[]) returns void language sql as $$
  insert into client_summaries as s (installation_id, client_id, name_key, search_text, mapping_status, autopay_enabled,
      open_balance, open_invoice_count, oldest_due_date, last_paid_at, latest_payment_status, latest_payment_at,
      awaiting_verification_count, updated_at)
  select c.installation_id, c.id, lower(c.name),
         lower(c.name || ' ' || coalesce(c.email, '') || ' ' || c.psa_ref || ' ' || coalesce(c.stripe_customer_id, '')),
         c.mapping_status, c.autopay_enabled,
         coalesce(inv.open_balance, 0), coalesce(inv.open_count, 0), inv.oldest_due,
         paid.last_paid_at, lp.status, lp.created_at, coalesce(pm.n, 0), clock_timestamp()
    from clients c
    left join lateral (
      select sum(i.amount_remaining) as open_balance, count(*) as open_count,
             min(i.due_date) filter (where i.status in ('open', 'partially_paid') and i.amount_remaining > 0) as oldest_due
        from invoices i
       where i.installation_id = c.installation_id and i.client_id = c.id and i.status in ('open', 'partially_paid', 'processing')
    ) inv on true
    left join lateral (
      select max(p.succeeded_at) as last_paid_at from payments p
       where p.installation_id = c.installation_id and p.client_id = c.id and p.status = 'succeeded'
    ) paid on true
    left join lateral (
      select p.status, p.created_at from payments p
       where p.installation_id = c.installation_id and p.client_id = c.id and p.status <> 'canceled'
       order by p.created_at desc, p.id desc limit 1
    ) lp on true
    left join lateral (
      select count(*) as n from payment_methods m
       where m.installation_id = c.installation_id and m.client_id = c.id
         and m.status = 'pending_verification' and m.microdeposit_type is not null
    ) pm on true
   where c.id = any(ids)
   order by c.id
  on conflict (client_id) do update set
    name_key = excluded.name_key, search_text = excluded.search_text, mapping_status = excluded.mapping_status,
    autopay_enabled = excluded.autopay_enabled, open_balance = excluded.open_balance, open_invoice_count = excluded.open_invoice_count,
    oldest_due_date = excluded.oldest_due_date, last_paid_at = excluded.last_paid_at,
    latest_payment_status = excluded.latest_payment_status, latest_payment_at = excluded.latest_payment_at,
    awaiting_verification_count = excluded.awaiting_verification_count, updated_at = excluded.updated_at
$$
`;

/** One trigger function per source table; `col` is the column naming the client (id on clients). */
export function refreshTrigger(table: string, col: string): string[] {
  return [
    `
create function ${table}_refresh_client_summaries() returns trigger language plpgsql as $$
begin
  if tg_op = 'INSERT' then
    perform client_summaries_refresh(array(select distinct ${col} from new_rows where ${col} is not null));
  elsif tg_op = 'UPDATE' then
    perform client_summaries_refresh(array(
      select ${col} from new_rows where ${col} is not null union select ${col} from old_rows where ${col} is not null));
  else
    perform client_summaries_refresh(array(select distinct ${col} from old_rows where ${col} is not null));
  end if;
  return null;
end $$`,
    `create trigger ${table}_summaries_ins after insert on ${table} referencing new table as new_rows
      for each statement execute function ${table}_refresh_client_summaries()`,
    `create trigger ${table}_summaries_upd after update on ${table} referencing old table as old_rows new table as new_rows
      for each statement execute function ${table}_refresh_client_summaries()`,
    `create trigger ${table}_summaries_del after delete on ${table} referencing old table as old_rows
      for each statement execute function ${table}_refresh_client_summaries()`,
  ];
}

// Row triggers: one event per payment or invoice whose status (or money) changed, NOTIFY at commit
// (migration 16 takes the NOTIFY out: every process polls live_events instead).
export function liveEventFunction(table: 'payments' | 'invoices', notify: boolean): string {
  const kind = table === 'payments' ? 'payment' : 'invoice';
  const unchanged =
    table === 'payments'
      ? 'new.status is not distinct from old.status and new.amount_refunded is not distinct from old.amount_refunded and new.dispute_status is not distinct from old.dispute_status'
      : 'new.status is not distinct from old.status and new.amount_remaining is not distinct from old.amount_remaining';
  const announce = notify
    ? `perform pg_notify('settle_live', json_build_object('id', ev.id, 'installationId', ev.installation_id, 'kind', ev.kind,
    'subjectId', ev.subject_id, 'clientId', ev.client_id, 'status', ev.status, 'at', ev.at)::text);`
    : '';
  return `create or replace function ${table}_live_event() returns trigger language plpgsql as $$
declare
  ev live_events;
begin
  if tg_op = 'UPDATE' then
    if ${unchanged} then
      return null;
    end if;
  end if;
  insert into live_events (installation_id, kind, subject_id, client_id, status)
    values (new.installation_id, '${kind}', new.id, new.client_id, new.status)
    returning * into ev;
  ${announce}
  return null;
end $$`;
}

function liveTrigger(table: 'payments' | 'invoices'): string[] {
  return [
    liveEventFunction(table, true),
    `create trigger ${table}_live after insert or update on ${table} for each row execute function ${table}_live_event()`,
  ];
}

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('client_summaries', (t) => {
    t.uuid('installation_id').notNullable();
    t.uuid('client_id').primary();
    // Copies of the client's own columns the list filters, sorts and searches by, so one narrow
    // table answers a page and its total without joining 10,000 clients.
    t.text('name_key').notNullable();
    t.text('search_text').notNullable();
    t.text('mapping_status').notNullable();
    t.boolean('autopay_enabled').notNullable();
    t.bigInteger('open_balance').notNullable().defaultTo(0);
    t.integer('open_invoice_count').notNullable().defaultTo(0);
    t.date('oldest_due_date');
    t.timestamp('last_paid_at', { useTz: true });
    t.text('latest_payment_status');
    t.timestamp('latest_payment_at', { useTz: true });
    t.integer('awaiting_verification_count').notNullable().defaultTo(0);
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.foreign(['installation_id', 'client_id']).references(['installation_id', 'id']).inTable('clients').onDelete('CASCADE');
  });
  await knex.raw('create index client_summaries_name on client_summaries (installation_id, name_key, client_id)');
  await knex.raw('create index client_summaries_balance on client_summaries (installation_id, open_balance desc, name_key, client_id)');
  await knex.raw('create index client_summaries_oldest_due on client_summaries (installation_id, oldest_due_date, name_key, client_id)');
  await knex.raw('create index client_summaries_last_paid on client_summaries (installation_id, last_paid_at desc nulls last, name_key, client_id)');
  const trgm = (await knex.raw("select 1 from pg_available_extensions where name = 'pg_trgm'")) as { rows: unknown[] };
  if (trgm.rows.length > 0) {
    await knex.raw('create extension if not exists pg_trgm');
    await knex.raw('create index client_summaries_search_trgm on client_summaries using gin (search_text gin_trgm_ops)');
  }
  await knex.raw(CLIENT_REFRESH);
  for (const [table, col] of [['clients', 'id'], ['invoices', 'client_id'], ['payments', 'client_id'], ['payment_methods', 'client_id']] as const) {
    for (const sql of refreshTrigger(table, col)) await knex.raw(sql);
  }
  await knex.raw('select client_summaries_refresh(array(select id from clients))');

  await knex.schema.createTable('live_events', (t) => {
    t.bigIncrements('id');
    t.uuid('installation_id').notNullable();
    t.text('kind').notNullable();
    t.uuid('subject_id').notNullable();
    t.uuid('client_id');
    t.text('status').notNullable();
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.raw('clock_timestamp()'));
    t.index(['installation_id', 'id']);
    t.index(['at']);
  });
  for (const sql of [...liveTrigger('payments'), ...liveTrigger('invoices')]) await knex.raw(sql);

  await knex.schema.createTable('setup_links', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('installation_id').notNullable().references('id').inTable('installations');
    t.uuid('client_id').notNullable();
    t.uuid('contact_id').notNullable();
    t.text('token_hash').notNullable().unique(); // sha256 of the token; the token itself is never stored
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('used_at', { useTz: true });
    t.uuid('created_by');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.foreign(['installation_id', 'client_id']).references(['installation_id', 'id']).inTable('clients');
    t.index(['installation_id', 'client_id']);
  });

  await knex.raw('create index payments_installation_created on payments (installation_id, created_at desc, id desc)');
  await knex.raw("create index payments_succeeded_at on payments (installation_id, succeeded_at) where status = 'succeeded'");
  await knex.raw('create index audit_log_action_at on audit_log (installation_id, action, at desc)');
  await knex.raw('create index audit_log_actor_at on audit_log (installation_id, actor_id, at desc)');
  await knex.raw('create index charge_attempts_updated on charge_attempts (installation_id, updated_at desc)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists charge_attempts_updated');
  await knex.raw('drop index if exists audit_log_actor_at');
  await knex.raw('drop index if exists audit_log_action_at');
  await knex.raw('drop index if exists payments_succeeded_at');
  await knex.raw('drop index if exists payments_installation_created');
  await knex.schema.dropTableIfExists('setup_links');
  for (const table of ['payments', 'invoices']) {
    await knex.raw(`drop trigger if exists ${table}_live on ${table}`);
    await knex.raw(`drop function if exists ${table}_live_event()`);
  }
  await knex.schema.dropTableIfExists('live_events');
  for (const table of ['clients', 'invoices', 'payments', 'payment_methods']) {
    for (const op of ['ins', 'upd', 'del']) await knex.raw(`drop trigger if exists ${table}_summaries_${op} on ${table}`);
    await knex.raw(`drop function if exists ${table}_refresh_client_summaries()`);
  }
  await knex.raw('drop function if exists client_summaries_refresh(uuid[])');
  await knex.schema.dropTableIfExists('client_summaries');
}
