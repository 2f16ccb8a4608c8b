// Reconciliation accuracy and speed on labelled synthetic MSP receivables (see
// bench/support/reconcile-dataset.ts and docs/reconciliation.md).
// 1. Generate 100,000 payments against ~120,000 open invoices (seeded; timed apart).
// 2. Speed: ONE reconcile() call over all of them, in this process; wall and CPU time, peak RSS.
// 3. Accuracy: the same data replayed as Settle runs it — weekly batches, each against the book the
//    previous ones left, with the previous week's exceptions resolved by a person as labelled — then
//    scored: precision (correct allocations / allocations made) and auto-match (payments handled
//    without an exception), overall, per scenario and per rule. The one-shot call's own scores
//    (nobody ever works the queue) are reported too, under `one_shot`.
// Ends stdout with one JSON line.
import { loadavg } from 'node:os';
import { generateDataset } from './support/reconcile-dataset';
import { replayInBatches } from './support/reconcile-replay';
import { scoreReconciliation } from './support/reconcile-score';
import { reconcile } from '../server/reconciliation/reconcile';

const PAYMENTS = Number(process.env.BENCH_PAYMENTS ?? 100_000);
const INVOICES = Number(process.env.BENCH_INVOICES ?? Math.ceil(PAYMENTS * 1.2));
const SEED = Number(process.env.BENCH_SEED ?? 20_250_301);
const TOLERANCE = 2_500;
const WEEK = 7 * 86_400_000;

const secondsSince = (t: number) => Number(((performance.now() - t) / 1000).toFixed(3));

console.error(`generating ${PAYMENTS} payments against ${INVOICES} open invoices (seed ${SEED})…`);
let t = performance.now();
const dataset = generateDataset({ seed: SEED, payments: PAYMENTS, invoices: INVOICES, tolerance: TOLERANCE });
const generateSeconds = secondsSince(t);
const openInvoices = dataset.input.invoices.filter((i) => i.amount_due > 0).length;

console.error('reconciling in one call…');
const loadBefore = loadavg()[0]!;
const cpu0 = process.cpuUsage();
t = performance.now();
const output = reconcile(dataset.input);
const seconds = secondsSince(t);
const cpu = process.cpuUsage(cpu0);
const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
const oneShot = scoreReconciliation(dataset, output);
console.error(`one call: ${seconds} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU; precision ${oneShot.precision}, auto-match ${oneShot.auto_match}`);

console.error('replaying in weekly batches with exceptions resolved between them…');
t = performance.now();
const replay = replayInBatches(dataset, WEEK);
const replaySeconds = secondsSince(t);
const score = scoreReconciliation(dataset, replay.output);
console.error(`replay: ${replay.batches} batches in ${replaySeconds} s; precision ${score.precision}, auto-match ${score.auto_match}`);
for (const [name, s] of Object.entries(score.per_scenario)) {
  console.error(`  ${name.padEnd(28)} ${String(s.payments).padStart(6)} payments  precision ${s.precision.toFixed(4)}  auto-match ${s.auto_match.toFixed(4)}`);
}

console.log(
  JSON.stringify({
    payments: dataset.input.payments.length,
    invoices: openInvoices,
    invoices_including_paid: dataset.input.invoices.length,
    clients: dataset.input.clients.length,
    seconds,
    cpu_seconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(3)),
    // The machine's 1-minute load average when the call started: wall time on a shared machine
    // stretches with it, CPU time much less.
    load_average: Number(loadBefore.toFixed(2)),
    generate_seconds: generateSeconds,
    peak_rss_mb: peakRssMb,
    precision: score.precision,
    auto_match: score.auto_match,
    exact: score.exact,
    allocations: score.allocations,
    correct_allocations: score.correct_allocations,
    exceptions: score.exceptions,
    decide_caught: score.decide_caught,
    replay_batches: replay.batches,
    replay_seconds: replaySeconds,
    one_shot: { precision: oneShot.precision, auto_match: oneShot.auto_match, exact: oneShot.exact },
    exceptions_by_reason: score.exceptions_by_reason,
    per_rule: score.per_rule,
    per_scenario: score.per_scenario,
    seed: SEED,
    underpayment_tolerance: TOLERANCE,
  }),
);
