// client_summaries kept for less (migration 12 keeps the summary rows; this keeps them the same,
// exactly, with less work per changing statement). An autopay charge runs six statements on payments
// and invoices, and each refreshed its client's summary: the insert, the version bump its allocation
// makes, the status change, the split's version bump again, reconciled_at, the invoice's amounts —
// while the summary depends on only a few columns. Now:
// - an UPDATE refreshes the clients of the rows whose summary columns changed (old and new
//   transition tables compared row by row, by id; a row whose id changed counts as changed), and
//   calls nothing when none did; INSERT and DELETE refresh as before;
// - the refresh is PL/pgSQL, so its statement is planned once per session (a SQL function was planned
//   again on every call), and it writes a summary row only when one of its values differs, so an
//   unchanged summary makes no new row version, no index entries and no row lock wait.
// updated_at now says when the summary last changed, not when it was last recomputed.
import type { Knex } from 'knex';
import { CLIENT_REFRESH, refreshTrigger } from './20261205000012_app_ui';

/** The columns of each source table a summary is computed from (see client_summaries_refresh). */
const SOURCES = [
  ['clients', 'id', ['installation_id', 'name', 'email', 'psa_ref', 'stripe_customer_id', 'mapping_status', 'autopay_enabled']],
  ['invoices', 'client_id', ['installation_id', 'client_id', 'status', 'amount_remaining', 'due_date']],
  ['payments', 'client_id', ['installation_id', 'client_id', 'status', 'succeeded_at', 'created_at']],
  ['payment_methods', 'client_id', ['installation_id', 'client_id', 'status', 'microdeposit_type']],
] as const;

const SUMMARY_COLUMNS = [
  'installation_id', 'name_key', 'search_text', 'mapping_status', 'autopay_enabled', 'open_balance', 'open_invoice_count',
  'oldest_due_date', 'last_paid_at', 'latest_payment_status', 'latest_payment_at', 'awaiting_verification_count',
];

function refreshFunction(): string {
  const body = CLIENT_REFRESH.replace(/^\s*create function client_summaries_refresh\(ids uuid\[\]\) returns void language sql as \$\$/, '')
    .replace(/\$\$\s*$/, '')
    .trim();
  if (body.startsWith('create') || !body.startsWith('insert')) throw new Error('client_summaries_refresh: unexpected text in migration 12');
  const differs = `(${SUMMARY_COLUMNS.map((c) => `s.${c}`).join(', ')}) is distinct from (${SUMMARY_COLUMNS.map((c) => `excluded.${c}`).join(', ')})`;
  return `create or replace function client_summaries_refresh(ids uuid[]) returns void language plpgsql as $$
begin
  if coalesce(cardinality(ids), 0) = 0 then
    return;
  end if;
  ${body}
   where ${differs};
end $$`;
}

function changedRowsTrigger(table: string, col: string, columns: readonly string[]): string {
  const tuple = (alias: string) => `(${columns.map((c) => `${alias}.${c}`).join(', ')})`;
  return `create or replace function ${table}_refresh_client_summaries() returns trigger language plpgsql as $$
begin
  if tg_op = 'INSERT' then
    perform client_summaries_refresh(array(select distinct ${col} from new_rows where ${col} is not null));
  elsif tg_op = 'UPDATE' then
    perform client_summaries_refresh(array(
      select n.${col} from new_rows n left join old_rows o on o.id = n.id
       where n.${col} is not null and (o.id is null or ${tuple('n')} is distinct from ${tuple('o')})
      union
      select o.${col} from old_rows o left join new_rows n on n.id = o.id
       where o.${col} is not null and (n.id is null or ${tuple('n')} is distinct from ${tuple('o')})));
  else
    perform client_summaries_refresh(array(select distinct ${col} from old_rows where ${col} is not null));
  end if;
  return null;
end $$`;
}

export async function up(knex: Knex): Promise<void> {
  await knex.raw(refreshFunction());
  for (const [table, col, columns] of SOURCES) await knex.raw(changedRowsTrigger(table, col, columns));
}

export async function down(knex: Knex): Promise<void> {
  // Migration 12's text creates the function afresh.
  await knex.raw('drop function client_summaries_refresh(uuid[])');
  await knex.raw(CLIENT_REFRESH);
  for (const [table, col] of SOURCES) await knex.raw(refreshTrigger(table, col)[0]!.replace('create function', 'create or replace function'));
}
