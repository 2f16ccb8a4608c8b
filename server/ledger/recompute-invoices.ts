// The one place that writes an invoice's amount_paid, amount_written_off, amount_remaining and
// status: it reads the ledger (applied allocations, write-offs, payments in flight) and stores what
// deriveInvoiceState says. Every ledger change (a payment applied, refunded, disputed, a credit
// applied, an exception resolved) ends by calling it for the invoices it touched, inside its
// transaction; checkLedgerConsistency (check-ledger-consistency.ts) recomputes the same facts for
// every invoice to prove nothing drifted.
import type { Clock } from '../clock';
import type { InstallationScope } from '../db/tenant-scope';
import type { InvoiceStatus } from '../invoices/invoice-view';
import { deriveInvoiceState } from '../psa/invoice-balance';
import { grantCredit } from './client-credit';
import { takeFromAllocations } from './take-from-allocations';

/** SQL for the ledger facts of invoices (aliased `i`): applied, written off, in flight. */
export const INVOICE_FACTS_SQL = `
  coalesce((select sum(a.amount) from allocations a where a.installation_id = i.installation_id and a.invoice_id = i.id and a.state = 'applied'), 0) as applied,
  coalesce((select sum(w.amount) from invoice_write_offs w where w.installation_id = i.installation_id and w.invoice_id = i.id and w.reversed_at is null), 0) as written_off,
  exists(select 1 from allocations a join payments p on p.installation_id = a.installation_id and p.id = a.payment_id
         where a.installation_id = i.installation_id and a.invoice_id = i.id and a.state = 'pending' and p.status = 'processing') as in_flight`;

interface FactsRow {
  id: string;
  client_id: string;
  currency: string;
  total: number | string;
  status: InvoiceStatus;
  voided_at: Date | null;
  amount_paid: number | string;
  amount_written_off: number | string;
  amount_remaining: number | string;
  applied: number | string;
  written_off: number | string;
  in_flight: boolean;
}

export interface RecomputeResult {
  /** Invoices whose stored amounts or status changed. */
  changed: string[];
  /** Payments whose allocations changed here (an overpayment moved to credit): they need a PSA write-back. */
  paymentsChanged: string[];
}

async function lockFacts(scope: InstallationScope, ids: string[]): Promise<FactsRow[]> {
  const result = (await scope.db.raw(
    `select i.id, i.client_id, i.currency, i.total, i.status, i.voided_at, i.amount_paid, i.amount_written_off, i.amount_remaining, ${INVOICE_FACTS_SQL}
       from invoices i where i.installation_id = ? and i.id in (${ids.map(() => '?').join(', ')}) order by i.id for update`,
    [scope.installationId, ...ids],
  )) as { rows: FactsRow[] };
  return result.rows;
}

/**
 * Recomputes and stores the balances of these invoices from the ledger. An overpaid invoice's
 * excess is moved to the client's credit balance (write-offs first, then the newest allocations),
 * so "overpaid" never lingers with money counted twice. Idempotent: a second call changes nothing.
 * Call inside the transaction that changed the ledger; never calls Stripe, never queues the PSA
 * write-back itself (it returns the payments that need one).
 */
export async function recomputeInvoices(scope: InstallationScope, invoiceIds: readonly string[], clock: Clock): Promise<RecomputeResult> {
  const ids = [...new Set(invoiceIds)];
  if (ids.length === 0) return { changed: [], paymentsChanged: [] };
  if (!scope.db.isTransaction) throw new Error('recomputeInvoices must run inside the ledger change transaction');
  const now = clock.now();
  const changed: string[] = [];
  const paymentsChanged = new Set<string>();
  for (const row of await lockFacts(scope, ids)) {
    const total = Number(row.total);
    let applied = Number(row.applied);
    let writtenOff = Number(row.written_off);
    const voided = row.status === 'void' || row.voided_at !== null;
    if (!voided && applied + writtenOff > total) {
      const moved = await moveExcessToCredit(scope, row, applied + writtenOff - total, clock);
      applied -= moved.fromAllocations;
      writtenOff -= moved.fromWriteOffs;
      for (const p of moved.payments) paymentsChanged.add(p);
    }
    const state = deriveInvoiceState({ total, applied, writtenOff, inFlight: row.in_flight, voided });
    const next = { amount_paid: applied, amount_written_off: writtenOff, amount_remaining: state.amountRemaining, status: state.status };
    if (
      Number(row.amount_paid) !== next.amount_paid ||
      Number(row.amount_written_off) !== next.amount_written_off ||
      Number(row.amount_remaining) !== next.amount_remaining ||
      row.status !== next.status
    ) {
      await scope.from('invoices').where({ id: row.id }).update({ ...next, updated_at: now });
      changed.push(row.id);
    }
  }
  return { changed, paymentsChanged: [...paymentsChanged] };
}

/** Undoes `excess` of an invoice's settlement: write-offs first (not money), then allocations, newest first, into credit. */
async function moveExcessToCredit(scope: InstallationScope, row: FactsRow, excess: number, clock: Clock): Promise<{ fromAllocations: number; fromWriteOffs: number; payments: string[] }> {
  const now = clock.now();
  let left = excess;
  let fromWriteOffs = 0;
  const writeOffs = (await scope.from('invoice_write_offs').where({ invoice_id: row.id }).whereNull('reversed_at').orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).select('id', 'amount')) as Array<{ id: string; amount: number }>;
  for (const w of writeOffs) {
    if (left <= 0) break;
    // A write-off is all or nothing: it recorded one accepted shortfall.
    await scope.from('invoice_write_offs').where({ id: w.id }).update({ reversed_at: now });
    fromWriteOffs += Number(w.amount);
    left -= Number(w.amount);
  }
  if (left < 0) {
    // Reversing the last write-off undid more than the excess: the difference is owed again, which
    // is what the recomputed remaining amount says. Nothing to move.
    return { fromAllocations: 0, fromWriteOffs, payments: [] };
  }
  const rows = await scope.from('allocations').where({ invoice_id: row.id, state: 'applied' }).orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).select('*');
  const taken = await takeFromAllocations(scope, rows, left, 'excess_to_credit', now);
  for (const t of taken) {
    await grantCredit(scope, { clientId: row.client_id, amount: t.amount, currency: row.currency.trim(), reason: 'overpayment', paymentId: t.paymentId, invoiceId: row.id, actor: null }, clock);
  }
  return { fromAllocations: taken.reduce((s, t) => s + t.amount, 0), fromWriteOffs, payments: [...new Set(taken.map((t) => t.paymentId))] };
}
