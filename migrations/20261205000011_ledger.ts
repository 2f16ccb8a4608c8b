// The payment ledger (issue 7): every money movement is a payment with allocations, and invoice
// amounts derive from them.
// - allocations.state 'reversed': an applied allocation undone by a refund, a lost dispute, an
//   overpayment moved to credit or a technician's correction. It stays (with reversed_at and why),
//   so the PSA and the audit trail can see what was undone; a partial undo reverses the row and
//   inserts the remainder as a new applied row pointing at it (replaces_allocation_id).
// - invoices.amount_written_off: underpayments accepted within the MSP's tolerance (bank fees),
//   kept apart from amount_paid (money) in invoice_write_offs.
// - payments: source 'stripe' (a Stripe payment made outside Settle for a mapped customer);
//   stripe_source_id (the cash balance transaction a bank transfer came from, unique);
//   reconciled_at (matching ran or a person resolved it: re-running reconciliation skips it);
//   note (what the technician typed when recording an offline payment).
// - refunds.note: the technician's reason (refunds.reason is Stripe's enum).
// - ledger_reversals: one row per refund or lost dispute whose money left the ledger, unique per
//   source, so a refund reverses allocations exactly once however many times it is synced.
// - reconciliation_exceptions: the queue of payments Settle could not match with certainty.
// - payouts, payout_transactions: payouts and the balance transactions each one settled.
// - installations.refund_technician_limit: above this amount only admins may refund (null: no limit).
import type { Knex } from 'knex';

const PAYMENT_SOURCES_BEFORE = ['portal', 'autopay', 'link', 'technician', 'bank_transfer', 'offline'];
const tenantRef = (t: Knex.CreateTableBuilder, column: string, table: string) =>
  t.foreign(['installation_id', column]).references(['installation_id', 'id']).inTable(table).onDelete('RESTRICT');
const quoted = (values: string[]) => values.map((v) => `'${v}'`).join(', ');

export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table allocations drop constraint allocations_state_check');
  await knex.raw("alter table allocations add constraint allocations_state_check check (state in ('pending', 'applied', 'canceled', 'reversed'))");
  await knex.schema.alterTable('allocations', (t) => {
    t.uuid('replaces_allocation_id');
    t.text('reversal_reason'); // refund | dispute | excess_to_credit | moved
    t.index(['installation_id', 'invoice_id', 'state'], 'allocations_invoice_state_idx');
  });

  await knex.schema.alterTable('invoices', (t) => {
    t.bigInteger('amount_written_off').notNullable().defaultTo(0);
  });

  await knex.raw('alter table payments drop constraint payments_source_check');
  await knex.raw(`alter table payments add constraint payments_source_check check (source in (${quoted([...PAYMENT_SOURCES_BEFORE, 'stripe'])}))`);
  await knex.schema.alterTable('payments', (t) => {
    t.text('stripe_source_id');
    t.timestamp('reconciled_at', { useTz: true });
    t.text('note');
    t.unique(['installation_id', 'stripe_source_id'], { indexName: 'payments_stripe_source_unique' });
  });

  await knex.schema.alterTable('refunds', (t) => {
    t.text('note');
  });

  await knex.schema.alterTable('installations', (t) => {
    t.bigInteger('refund_technician_limit');
  });

  await knex.schema.createTable('invoice_write_offs', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('installation_id').notNullable().references('id').inTable('installations');
    t.uuid('payment_id').notNullable();
    t.uuid('invoice_id').notNullable();
    t.bigInteger('amount').notNullable();
    t.specificType('currency', 'char(3)').notNullable();
    t.text('rule').notNullable();
    t.timestamp('reversed_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    tenantRef(t, 'payment_id', 'payments');
    tenantRef(t, 'invoice_id', 'invoices');
    t.index(['installation_id', 'invoice_id']);
    t.index(['installation_id', 'payment_id']);
  });
  await knex.raw('alter table invoice_write_offs add constraint invoice_write_offs_amount_check check (amount > 0)');

  await knex.schema.createTable('ledger_reversals', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('installation_id').notNullable().references('id').inTable('installations');
    t.uuid('payment_id').notNullable();
    t.text('source').notNullable(); // refund | dispute
    t.uuid('source_id').notNullable();
    t.bigInteger('amount').notNullable();
    t.timestamp('restored_at', { useTz: true }); // a refund that failed after all: its money came back as credit
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    tenantRef(t, 'payment_id', 'payments');
    t.unique(['installation_id', 'source', 'source_id']);
  });
  await knex.raw("alter table ledger_reversals add constraint ledger_reversals_source_check check (source in ('refund', 'dispute'))");
  await knex.raw('alter table ledger_reversals add constraint ledger_reversals_amount_check check (amount > 0)');

  await knex.schema.createTable('reconciliation_exceptions', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('installation_id').notNullable().references('id').inTable('installations');
    t.uuid('payment_id').notNullable();
    t.uuid('client_id');
    t.text('reason_code').notNullable();
    t.text('reason').notNullable();
    t.jsonb('suggestions').notNullable().defaultTo('[]');
    t.text('status').notNullable().defaultTo('open');
    t.text('resolution');
    t.uuid('resolved_by');
    t.timestamp('resolved_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    tenantRef(t, 'payment_id', 'payments');
    tenantRef(t, 'client_id', 'clients');
    t.unique(['installation_id', 'payment_id']);
    t.index(['installation_id', 'status', 'created_at']);
  });
  await knex.raw("alter table reconciliation_exceptions add constraint reconciliation_exceptions_status_check check (status in ('open', 'resolved'))");

  await knex.schema.createTable('payouts', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('installation_id').notNullable().references('id').inTable('installations');
    t.text('stripe_payout_id').notNullable();
    t.bigInteger('amount').notNullable();
    t.specificType('currency', 'char(3)').notNullable();
    t.text('status').notNullable();
    t.timestamp('arrival_date', { useTz: true });
    t.timestamp('stripe_created_at', { useTz: true }).notNullable();
    t.bigInteger('gross').notNullable().defaultTo(0);
    t.bigInteger('fees').notNullable().defaultTo(0);
    t.bigInteger('refunds').notNullable().defaultTo(0);
    t.bigInteger('disputes').notNullable().defaultTo(0);
    t.bigInteger('other').notNullable().defaultTo(0);
    t.bigInteger('net').notNullable().defaultTo(0);
    t.integer('transaction_count').notNullable().defaultTo(0);
    t.text('import_cursor'); // last balance transaction imported (pagination resumes after it)
    t.timestamp('imported_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['installation_id', 'stripe_payout_id']);
    t.unique(['installation_id', 'id']);
    t.index(['installation_id', 'arrival_date']);
  });

  await knex.schema.createTable('payout_transactions', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('installation_id').notNullable().references('id').inTable('installations');
    t.uuid('payout_id').notNullable();
    t.text('stripe_balance_transaction_id').notNullable();
    t.text('type').notNullable();
    t.text('reporting_category').notNullable();
    t.bigInteger('amount').notNullable();
    t.bigInteger('fee').notNullable();
    t.bigInteger('net').notNullable();
    t.specificType('currency', 'char(3)').notNullable();
    t.text('source_id');
    t.text('description');
    t.uuid('payment_id');
    t.timestamp('stripe_created_at', { useTz: true }).notNullable();
    tenantRef(t, 'payout_id', 'payouts');
    tenantRef(t, 'payment_id', 'payments');
    t.unique(['installation_id', 'stripe_balance_transaction_id']);
    t.index(['installation_id', 'payout_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('payout_transactions');
  await knex.schema.dropTable('payouts');
  await knex.schema.dropTable('reconciliation_exceptions');
  await knex.schema.dropTable('ledger_reversals');
  await knex.schema.dropTable('invoice_write_offs');
  await knex.schema.alterTable('installations', (t) => t.dropColumn('refund_technician_limit'));
  await knex.schema.alterTable('refunds', (t) => t.dropColumn('note'));
  await knex.schema.alterTable('payments', (t) => {
    t.dropUnique(['installation_id', 'stripe_source_id'], 'payments_stripe_source_unique');
    t.dropColumns('stripe_source_id', 'reconciled_at', 'note');
  });
  await knex.raw("update payments set source = 'offline' where source = 'stripe'");
  await knex.raw('alter table payments drop constraint payments_source_check');
  await knex.raw(`alter table payments add constraint payments_source_check check (source in (${quoted(PAYMENT_SOURCES_BEFORE)}))`);
  await knex.schema.alterTable('invoices', (t) => t.dropColumn('amount_written_off'));
  await knex.schema.alterTable('allocations', (t) => {
    t.dropIndex(['installation_id', 'invoice_id', 'state'], 'allocations_invoice_state_idx');
    t.dropColumns('replaces_allocation_id', 'reversal_reason');
  });
  await knex.raw("update allocations set state = 'canceled' where state = 'reversed'");
  await knex.raw('alter table allocations drop constraint allocations_state_check');
  await knex.raw("alter table allocations add constraint allocations_state_check check (state in ('pending', 'applied', 'canceled'))");
}
