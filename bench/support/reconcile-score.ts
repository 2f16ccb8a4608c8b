// Scores the engine's output against the generator's labels.
// - precision: correct allocations / allocations made. An allocation is correct when the label of
//   its payment is `apply` and has an allocation with the same invoice and amount (each labelled
//   allocation matches at most one made). Any allocation for a `decide` payment is wrong. For a
//   labelled invoice the reference does not name, an invoice of the same client and currency with
//   the same original total counts as the same (no data can tell them apart: twelve identical
//   monthly fees of one client).
// - auto_match: payments fully handled without an exception / all payments.
// - exact: payments handled without an exception whose allocations, credit and write-offs all equal
//   the label — stricter than precision, since it also checks credits and write-offs.
// - decide_caught: `decide` payments that went to the exceptions queue / all `decide` payments.
import type { ReconcileOutput } from '../../server/reconciliation/reconcile';
import type { Dataset, Scenario } from './reconcile-dataset';

export interface Figures {
  payments: number;
  allocations: number;
  correct_allocations: number;
  precision: number;
  auto_match: number;
  exact: number;
}

export interface Score extends Figures {
  exceptions: number;
  /** Precision of the allocations each rule made. */
  per_rule: Record<string, { allocations: number; correct_allocations: number; precision: number }>;
  decide_caught: number;
  exceptions_by_reason: Record<string, number>;
  per_scenario: Record<string, Figures>;
}

const round4 = (n: number) => Math.round(n * 10_000) / 10_000;

export function scoreReconciliation(dataset: Dataset, output: ReconcileOutput): Score {
  const byPayment = <T extends { payment_id: string | number }>(rows: T[]) => {
    const map = new Map<string, T[]>();
    for (const r of rows) {
      const list = map.get(String(r.payment_id));
      if (list) list.push(r);
      else map.set(String(r.payment_id), [r]);
    }
    return map;
  };
  const allocations = byPayment(output.allocations);
  const credits = byPayment(output.credits);
  // Invoice id → "client|currency|original total", for interchangeable invoices.
  const twin = new Map(dataset.input.invoices.map((i) => [String(i.id), `${i.client_id}|${i.currency}|${i.amount_due}`]));
  const writeOffs = byPayment(output.write_offs);
  const excepted = new Set(output.exceptions.map((e) => String(e.payment_id)));
  const byReason: Record<string, number> = {};
  for (const e of output.exceptions) byReason[e.reason] = (byReason[e.reason] ?? 0) + 1;

  const tally = new Map<Scenario | 'all', { payments: number; allocations: number; correct: number; handled: number; exact: number }>();
  const bump = (key: Scenario | 'all', d: { allocations: number; correct: number; handled: boolean; exact: boolean }) => {
    const t = tally.get(key) ?? { payments: 0, allocations: 0, correct: 0, handled: 0, exact: 0 };
    t.payments++;
    t.allocations += d.allocations;
    t.correct += d.correct;
    t.handled += d.handled ? 1 : 0;
    t.exact += d.exact ? 1 : 0;
    tally.set(key, t);
  };
  const perRule: Score['per_rule'] = {};
  let decide = 0;
  let decideCaught = 0;
  const sameMultiset = (a: Array<{ invoice_id: string | number; amount: number }>, b: Array<{ invoice_id: string | number; amount: number }>) =>
    a.length === b.length && [...a.map((r) => `${r.invoice_id}:${r.amount}`)].sort().join() === [...b.map((r) => `${r.invoice_id}:${r.amount}`)].sort().join();

  for (const [id, label] of dataset.labels) {
    const made = allocations.get(id) ?? [];
    let correct = 0;
    if (label.kind === 'apply') {
      const wanted = new Map<string, number>();
      for (const a of label.allocations) wanted.set(`${a.invoice_id}:${a.amount}`, (wanted.get(`${a.invoice_id}:${a.amount}`) ?? 0) + 1);
      const wantedTwins = new Map<string, number>();
      const named = new Set(label.named);
      for (const a of label.allocations) if (!named.has(a.invoice_id)) wantedTwins.set(`${twin.get(a.invoice_id)}:${a.amount}`, (wantedTwins.get(`${twin.get(a.invoice_id)}:${a.amount}`) ?? 0) + 1);
      for (const a of made) {
        const k = `${a.invoice_id}:${a.amount}`;
        const t = `${twin.get(String(a.invoice_id))}:${a.amount}`;
        const ok = (wanted.get(k) ?? 0) > 0 || (wantedTwins.get(t) ?? 0) > 0;
        if (ok) {
          if ((wanted.get(k) ?? 0) > 0) wanted.set(k, wanted.get(k)! - 1);
          if ((wantedTwins.get(t) ?? 0) > 0) wantedTwins.set(t, wantedTwins.get(t)! - 1);
          correct++;
        }
        const r = (perRule[a.rule] ??= { allocations: 0, correct_allocations: 0, precision: 1 });
        r.allocations++;
        if (ok) r.correct_allocations++;
      }
    } else {
      for (const a of made) {
        const r = (perRule[a.rule] ??= { allocations: 0, correct_allocations: 0, precision: 1 });
        r.allocations++;
      }
      decide++;
      if (excepted.has(id)) decideCaught++;
    }
    const handled = !excepted.has(id);
    const credit = (credits.get(id) ?? []).reduce((s, c) => s + c.amount, 0);
    const exact = handled && label.kind === 'apply' && sameMultiset(made, label.allocations) && credit === label.credit && sameMultiset(writeOffs.get(id) ?? [], label.write_offs);
    const d = { allocations: made.length, correct, handled, exact };
    bump('all', d);
    bump(dataset.scenarios.get(id)!, d);
  }

  const figures = (t: { payments: number; allocations: number; correct: number; handled: number; exact: number }): Figures => ({
    payments: t.payments,
    allocations: t.allocations,
    correct_allocations: t.correct,
    precision: t.allocations === 0 ? 1 : round4(t.correct / t.allocations),
    auto_match: round4(t.handled / t.payments),
    exact: round4(t.exact / t.payments),
  });
  const perScenario: Record<string, Figures> = {};
  for (const [key, t] of [...tally].sort((a, b) => (a[0] < b[0] ? -1 : 1))) if (key !== 'all') perScenario[key] = figures(t);
  for (const r of Object.values(perRule)) r.precision = round4(r.correct_allocations / r.allocations);
  return {
    per_rule: Object.fromEntries(Object.entries(perRule).sort((a, b) => (a[0] < b[0] ? -1 : 1))),
    ...figures(tally.get('all') ?? { payments: 0, allocations: 0, correct: 0, handled: 0, exact: 0 }),
    exceptions: output.exceptions.length,
    decide_caught: decide === 0 ? 1 : round4(decideCaught / decide),
    exceptions_by_reason: byReason,
    per_scenario: perScenario,
  };
}
