// Payouts, for the MSP's accountant: when Stripe says a payout was paid, Settle imports the balance
// transactions it settled (charges, refunds, dispute withdrawals and reinstatements, fees) page by
// page, ties each to the Settle payment it belongs to, and keeps the totals: gross, fees, refunds,
// disputes, other, net. Each page is stored with the cursor in one transaction, so an import that
// dies resumes after its last page; a second import of the same payout writes nothing.
import type Stripe from 'stripe';
import type { InstallationScope } from '../db/tenant-scope';
import { idOf, type StripeSyncOptions, type SyncOutcome } from '../stripe/stripe-sync-options';

const PAGE = 100;

/** Where a balance transaction's money goes in the payout summary. */
export function summaryBucket(t: { type: string; reporting_category: string }): 'gross' | 'refunds' | 'disputes' | 'payout' | 'other' {
  if (t.type === 'payout') return 'payout';
  if (t.type === 'charge' || t.type === 'payment') return 'gross';
  if (t.type === 'refund' || t.type === 'refund_failure' || t.type === 'payment_refund' || t.type === 'payment_failure_refund') return 'refunds';
  if (t.reporting_category === 'dispute' || t.reporting_category === 'dispute_reversal') return 'disputes';
  return 'other';
}

async function paymentIdFor(scope: InstallationScope, source: string | null): Promise<string | null> {
  if (!source) return null;
  let row: { payment_id?: string; id?: string } | undefined;
  if (source.startsWith('ch_') || source.startsWith('py_')) row = (await scope.from('payments').where({ stripe_charge_id: source }).first('id')) as { id: string } | undefined;
  else if (source.startsWith('re_') || source.startsWith('pyr_')) row = (await scope.from('refunds').where({ stripe_refund_id: source }).first('payment_id')) as { payment_id: string } | undefined;
  else if (source.startsWith('dp_') || source.startsWith('du_')) row = (await scope.from('disputes').where({ stripe_dispute_id: source }).first('payment_id')) as { payment_id: string } | undefined;
  return row?.payment_id ?? row?.id ?? null;
}

async function upsertPayout(scope: InstallationScope, payout: Stripe.Payout, now: Date): Promise<{ id: string; import_cursor: string | null; imported_at: Date | null }> {
  const row = {
    stripe_payout_id: payout.id,
    amount: payout.amount,
    currency: payout.currency.toUpperCase(),
    status: payout.status,
    arrival_date: new Date(payout.arrival_date * 1000),
    stripe_created_at: new Date(payout.created * 1000),
    updated_at: now,
  };
  await scope.insert('payouts', { ...row, created_at: now }).onConflict(['installation_id', 'stripe_payout_id']).merge(['amount', 'status', 'arrival_date', 'updated_at']);
  return (await scope.from('payouts').where({ stripe_payout_id: payout.id }).first('id', 'import_cursor', 'imported_at')) as { id: string; import_cursor: string | null; imported_at: Date | null };
}

/** Recomputes the payout's totals from its stored transactions. */
async function summarize(scope: InstallationScope, payoutId: string, now: Date): Promise<void> {
  const rows = (await scope.from('payout_transactions').where({ payout_id: payoutId }).select('type', 'reporting_category', 'amount', 'fee', 'net')) as Array<{ type: string; reporting_category: string; amount: number | string; fee: number | string; net: number | string }>;
  const t = { gross: 0, fees: 0, refunds: 0, disputes: 0, other: 0, net: 0, transaction_count: 0 };
  for (const r of rows) {
    const bucket = summaryBucket(r);
    if (bucket === 'payout') continue;
    t.transaction_count++;
    t.fees += Number(r.fee);
    t.net += Number(r.net);
    t[bucket] += Number(r.amount);
  }
  await scope.from('payouts').where({ id: payoutId }).update({ ...t, imported_at: now, updated_at: now });
}

/**
 * payout.paid (and any later sync of the same payout): re-fetches the payout, records it, and when
 * it is paid imports its balance transactions (all pages, resumable, idempotent). Never changes
 * Stripe and never changes payments or invoices.
 */
export async function importPayout(options: StripeSyncOptions & { payoutId: string }): Promise<{ outcome: SyncOutcome }> {
  const { scope, stripe, clock } = options;
  const payout = await stripe.payouts.retrieve(options.payoutId);
  const row = await scope.transaction((tx) => upsertPayout(tx, payout, clock.now()));
  if (payout.status !== 'paid') return { outcome: 'updated' };
  if (row.imported_at) return { outcome: 'unchanged' };
  let cursor = row.import_cursor;
  for (;;) {
    const page = await stripe.balanceTransactions.list({ payout: payout.id, limit: PAGE, ...(cursor ? { starting_after: cursor } : {}) });
    const done = !page.has_more || page.data.length === 0;
    await scope.transaction(async (tx) => {
      const now = clock.now();
      for (const bt of page.data) {
        const source = idOf(bt.source as string | { id: string } | null);
        await tx
          .insert('payout_transactions', {
            payout_id: row.id, stripe_balance_transaction_id: bt.id, type: bt.type, reporting_category: bt.reporting_category, amount: bt.amount, fee: bt.fee, net: bt.net,
            currency: bt.currency.toUpperCase(), source_id: source, description: bt.description ?? null, payment_id: await paymentIdFor(tx, source), stripe_created_at: new Date(bt.created * 1000),
          })
          .onConflict(['installation_id', 'stripe_balance_transaction_id'])
          .ignore();
      }
      const last = page.data.at(-1)?.id ?? cursor;
      await tx.from('payouts').where({ id: row.id }).update({ import_cursor: last, updated_at: now });
      if (done) await summarize(tx, row.id, now);
    });
    if (done) break;
    cursor = page.data.at(-1)!.id;
  }
  return { outcome: 'updated' };
}
