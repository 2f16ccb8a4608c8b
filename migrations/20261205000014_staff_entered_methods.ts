// Payment methods a technician enters on the client's behalf (issue 8, "add a payment method on the
// client's behalf"). added_by_kind 'technician' and added_by_id (the staff user) already say who and
// created_at when; these columns record the client's authorization the technician confirmed:
// - authorization_channel: how the client gave it (phone, in_person, email, paper);
// - authorization_text / authorization_version: the exact words confirmed (for a bank account, the
//   ACH debit authorization sent to Stripe as an offline mandate acceptance) and their version;
// - authorized_at: when the technician confirmed it (the mandate's accepted_at).
// A check keeps them complete for every technician-entered row, and absent otherwise.
import type { Knex } from 'knex';

const AUTHORIZATION_CHANNELS = ['phone', 'in_person', 'email', 'paper'] as const;

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('payment_methods', (t) => {
    t.text('authorization_channel');
    t.text('authorization_text');
    t.text('authorization_version');
    t.timestamp('authorized_at', { useTz: true });
  });
  await knex.raw(
    `alter table payment_methods add constraint payment_methods_authorization_channel_check check (authorization_channel is null or authorization_channel in (${AUTHORIZATION_CHANNELS.map((c) => `'${c}'`).join(', ')}))`,
  );
  await knex.raw(
    `alter table payment_methods add constraint payment_methods_technician_authorization_check check (
       case when added_by_kind = 'technician'
            then added_by_id is not null and authorization_channel is not null and authorization_text is not null
                 and authorization_version is not null and authorized_at is not null
            else authorization_channel is null and authorized_at is null end)`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table payment_methods drop constraint payment_methods_technician_authorization_check');
  await knex.raw('alter table payment_methods drop constraint payment_methods_authorization_channel_check');
  await knex.schema.alterTable('payment_methods', (t) => {
    t.dropColumn('authorization_channel');
    t.dropColumn('authorization_text');
    t.dropColumn('authorization_version');
    t.dropColumn('authorized_at');
  });
}
