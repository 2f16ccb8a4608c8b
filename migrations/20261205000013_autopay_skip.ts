// Technicians can tell autopay to leave one invoice alone ("skip"): the run's selection ignores an
// invoice with autopay_skipped_at set, until a technician unskips it. Who skipped it and why are kept
// on the invoice (and in the audit log); a skipped invoice can still be paid any other way, and
// "charge now" still charges it on request.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('invoices', (t) => {
    t.timestamp('autopay_skipped_at', { useTz: true });
    t.uuid('autopay_skipped_by');
    t.text('autopay_skip_reason');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('invoices', (t) => {
    t.dropColumn('autopay_skip_reason');
    t.dropColumn('autopay_skipped_by');
    t.dropColumn('autopay_skipped_at');
  });
}
