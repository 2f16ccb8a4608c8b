// Replays a dataset the way Settle runs reconciliation: in daily batches, each against the invoices
// as the previous batches left them — the engine's allocations and write-offs applied, and the
// previous day's exceptions resolved by a person as the label says (for `decide` labels the person
// keeps the money off the invoices). Silent mistakes are NOT corrected: nobody notices them, so
// they stay in the book and later payments see their consequences.
//
// Without the resolutions, one unresolved exception would leave a paid invoice open for the rest of
// the year and pull every later same-amount payment of that client to it, which measures a queue
// nobody works rather than the engine.
import { reconcile, type ReconcileOutput } from '../../server/reconciliation/reconcile';
import type { Dataset } from './reconcile-dataset';

const DAY = 86_400_000;

export function replayInBatches(dataset: Dataset, batchMs = DAY): { output: ReconcileOutput; batches: number } {
  const { input } = dataset;
  const open = new Map(input.invoices.map((inv) => [String(inv.id), inv.amount_due]));
  const batches = new Map<number, typeof input.payments>();
  for (const p of input.payments) {
    const b = Math.floor(Date.parse(p.received_at) / batchMs);
    const list = batches.get(b);
    if (list) list.push(p);
    else batches.set(b, [p]);
  }
  const output: ReconcileOutput = { allocations: [], credits: [], write_offs: [], exceptions: [] };
  const take = (invoiceId: string | number, amount: number) => {
    const k = String(invoiceId);
    const applied = Math.min(open.get(k) ?? 0, amount);
    open.set(k, (open.get(k) ?? 0) - applied);
  };
  for (const [, payments] of [...batches].sort((a, b) => a[0] - b[0])) {
    const out = reconcile({ ...input, invoices: input.invoices.map((inv) => ({ ...inv, amount_due: open.get(String(inv.id))! })), payments });
    output.allocations.push(...out.allocations);
    output.credits.push(...out.credits);
    output.write_offs.push(...out.write_offs);
    output.exceptions.push(...out.exceptions);
    for (const row of [...out.allocations, ...out.write_offs]) take(row.invoice_id, row.amount);
    for (const e of out.exceptions) {
      const label = dataset.labels.get(String(e.payment_id));
      if (label?.kind === 'apply') for (const row of [...label.allocations, ...label.write_offs]) take(row.invoice_id, row.amount);
    }
  }
  return { output, batches: batches.size };
}
