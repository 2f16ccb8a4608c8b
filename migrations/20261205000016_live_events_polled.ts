// Live events without NOTIFY. PostgreSQL serializes the commits of every transaction that issued a
// NOTIFY (a database-wide lock held through the WAL flush), and a payment's status change is in
// nearly every money-moving transaction: with it, an autopay run topped out at ~42 charges a second
// on the development machine, whatever the concurrency. The triggers still record each change in
// live_events (same transaction); every Settle process polls that table while someone watches
// (server/live/live-hub.ts), as it already did on PGlite.
import type { Knex } from 'knex';
import { liveEventFunction } from './20261205000012_app_ui';

export async function up(knex: Knex): Promise<void> {
  for (const table of ['payments', 'invoices'] as const) await knex.raw(liveEventFunction(table, false));
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['payments', 'invoices'] as const) await knex.raw(liveEventFunction(table, true));
}
