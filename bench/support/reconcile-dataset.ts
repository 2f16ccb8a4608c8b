// Labelled synthetic payments for the reconciliation benchmark and the accuracy test. Seeded and
// deterministic. Each payment comes from a scenario (weights below, fixed before the engine was
// measured) and carries a LABEL, one definition of "correct" for every scenario
// (docs/reconciliation.md, "Labels"):
// - the payer's intent where the remittance makes it knowable: a reference naming the invoices, or
//   an amount that is the invoices' (exactly one invoice or group, or short of them by a bank fee);
// - where the payer gave no usable information (no invoice named and the amount fits none: lump
//   sums on account, overpayments and partial payments without a reference), the MSP's documented
//   policy, the rule 5: the oldest open invoices fully funded, the rest to credit, never an
//   invoice partly funded by a guess;
// - `decide` when the right outcome is a person's decision whatever the data says (a duplicate
//   payment: refund or credit?; a payment in a currency the client is not billed in).
//
// The generator keeps its own truth of what is open (the MSP's book as the labels leave it, which is
// what payers see on their statements), so later payments pay what is still open. When a payment
// names no invoice, invoices of the same client with the same open amount are indistinguishable, so
// the label names the oldest of them (and the scorer accepts any of them).
import type { ReconcileInput } from '../../server/reconciliation/reconcile';
import { cleanReference, garbledReference, multiReference, payerFor } from './reconcile-references';
import { buildWorld, chance, int, pick, seededRng, WORLD_START, type Rng, type World } from './reconcile-world';

/** Shares in percent. docs/reconciliation.md says why each is what it is, and what changed once. */
export const SCENARIO_WEIGHTS = {
  clean_reference: 30.7,
  garbled_reference: 12,
  multi_invoice: 10,
  no_reference: 15,
  unknown_payer: 10,
  bank_fee_within_tolerance: 5,
  bank_fee_beyond_tolerance: 2,
  overpayment: 4,
  partial_payment: 4,
  payment_on_account: 2,
  lookalike_typo: 3,
  same_amount_several_clients: 1.5,
  duplicate_payment: 0.5,
  wrong_currency: 0.3,
} as const;

export type Scenario = keyof typeof SCENARIO_WEIGHTS;

export type Label =
  | {
      kind: 'apply';
      allocations: Array<{ invoice_id: string; amount: number }>;
      credit: number;
      write_offs: Array<{ invoice_id: string; amount: number }>;
      /**
       * The invoices the reference names. Any other labelled invoice was chosen by the amount alone,
       * so invoices of the client with the same total are interchangeable with it (the scorer
       * accepts any of them for the same amount).
       */
      named: string[];
    }
  | { kind: 'decide' };

export interface Dataset {
  input: ReconcileInput;
  labels: Map<string, Label>;
  scenarios: Map<string, Scenario>;
}

export interface DatasetOptions {
  seed: number;
  payments: number;
  /** Open invoices at the start (the world adds ~5 % already paid). */
  invoices: number;
  /** underpayment_tolerance in minor units (bank fees up to this are written off). */
  tolerance: number;
}

const YEAR = 365 * 86_400_000;
const PAYMENTS_START = WORLD_START + 400 * 86_400_000;
const OTHER_CURRENCY: Record<string, string> = { USD: 'EUR', CAD: 'USD', EUR: 'USD' };
const MEMOS = ['March services', 'Thank you', 'IT support', 'monthly', 'ACH CREDIT', 'PO 55812', 'PO#A-7731'];
const ON_ACCOUNT_MEMOS = ['on account', 'Payment toward balance', 'payment plan'];
/** References that name no invoice. */
const NOT_INVOICE_REFERENCES: ReadonlySet<string> = new Set([...MEMOS, ...ON_ACCOUNT_MEMOS]);

export function generateDataset(options: DatasetOptions): Dataset {
  const rng = seededRng(options.seed);
  const world = buildWorld(rng, options.invoices);
  const sim = new Truth(world);
  const scenarioNames = Object.keys(SCENARIO_WEIGHTS) as Scenario[];
  const totalWeight = scenarioNames.reduce((s, n) => s + SCENARIO_WEIGHTS[n], 0);
  const payments: ReconcileInput['payments'] = [];
  const labels = new Map<string, Label>();
  const scenarios = new Map<string, Scenario>();

  for (let k = 0; k < options.payments && sim.poolSize() > 0; k++) {
    let roll = rng() * totalWeight;
    const wanted = scenarioNames.find((n) => (roll -= SCENARIO_WEIGHTS[n]) < 0)!;
    const id = `py_${String(k + 1).padStart(7, '0')}`;
    const made = makePayment(rng, sim, world, wanted, options.tolerance);
    // Spread over a year, to the minute; every 20th shares its predecessor's timestamp (the engine
    // breaks such ties by id, which is this order).
    const slot = k % 20 === 19 ? k - 1 : k;
    const at = PAYMENTS_START + Math.floor((slot * YEAR) / options.payments / 60_000) * 60_000;
    payments.push({ id, received_at: new Date(at).toISOString(), ...made.payment });
    labels.set(id, made.label);
    scenarios.set(id, made.scenario);
    if (made.label.kind === 'apply') for (const a of [...made.label.allocations, ...made.label.write_offs]) sim.reduce(sim.index(a.invoice_id), a.amount);
  }

  const input: ReconcileInput = {
    clients: world.clients.map((c) => ({ id: c.id, name: c.name, email: c.email })),
    invoices: world.invoices.map((inv) => ({
      id: inv.id,
      client_id: world.clients[inv.client]!.id,
      number: inv.number,
      currency: inv.currency,
      amount_due: inv.paidBefore ? 0 : inv.total,
      issued_at: new Date(inv.issued).toISOString().slice(0, 10),
      due_date: new Date(inv.issued + 30 * 86_400_000).toISOString().slice(0, 10),
    })),
    payments,
    settings: { underpayment_tolerance: options.tolerance },
  };
  return { input, labels, scenarios };
}

function shuffle<T>(rng: Rng, list: T[]): T[] {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
  return list;
}

type PaymentFields = Omit<ReconcileInput['payments'][number], 'id' | 'received_at'>;

function makePayment(rng: Rng, sim: Truth, world: World, scenario: Scenario, tolerance: number): { payment: PaymentFields; label: Label; scenario: Scenario } {
  const first = sim.randomOpen(rng);
  const client = sim.world.invoices[first]!.client;
  const c = world.clients[client]!;
  const open = sim.openOf(client);
  const x = chance(rng, 0.6) ? open[0]! : pick(rng, open);
  const inv = world.invoices[x]!;
  const due = sim.open[x]!;
  const known = (amount: number, reference: string | null, currency = c.currency): PaymentFields => ({ client_id: c.id, payer_name: null, payer_email: null, currency, amount, reference });
  const apply = (allocs: Array<[number, number]>, credit = 0, writeOffs: Array<[number, number]> = []): Label => ({
    kind: 'apply',
    allocations: allocs.map(([i, amount]) => ({ invoice_id: world.invoices[i]!.id, amount })),
    credit,
    write_offs: writeOffs.map(([i, amount]) => ({ invoice_id: world.invoices[i]!.id, amount })),
    named: [],
  });
  /**
   * The MSP's policy for money that names no invoice and fits none (the rule 5): fund the
   * client's oldest open invoices fully while the money lasts, stop at the first that does not fit,
   * and keep the rest as credit. Never a partial allocation.
   */
  const policy = (amount: number): Label => {
    let left = amount;
    const allocs: Array<[number, number]> = [];
    for (const i of open) {
      if (sim.open[i]! > left) break;
      allocs.push([i, sim.open[i]!]);
      left -= sim.open[i]!;
    }
    return apply(allocs, left);
  };
  /** The oldest open invoice of the client with the same open amount (indistinguishable without a reference). */
  const canon = (i: number, taken: ReadonlySet<number> = new Set()) => open.find((j) => !taken.has(j) && sim.open[j] === sim.open[i]) ?? i;
  /** `named`: the invoices the reference names (by default every labelled one, when it names any). */
  const done = (payment: PaymentFields, label: Label, s: Scenario = scenario, named?: ReadonlySet<number>) => {
    const hasReference = !!payment.reference && !NOT_INVOICE_REFERENCES.has(payment.reference);
    if (label.kind === 'apply' && hasReference) {
      label.named = named ? [...named].map((i) => world.invoices[i]!.id) : label.allocations.map((a) => a.invoice_id);
    }
    return { payment, label, scenario: s };
  };

  switch (scenario) {
    case 'clean_reference':
      return done(known(due, cleanReference(rng, inv.number)), apply([[x, due]]));
    case 'garbled_reference':
      return done(known(due, garbledReference(rng, inv.number).text), apply([[x, due]]));
    case 'lookalike_typo': {
      const d = inv.number.replace(/\D/g, '').replace(/^0+/, '');
      // Transposed last two digits (1043 → 1034), or the last digit off by one when they are equal.
      const [a, b] = [d[d.length - 2] ?? '', d[d.length - 1]!];
      const swapped = a !== b ? `${d.slice(0, -2)}${b}${a}` : `${d.slice(0, -1)}${(Number(b) + 1) % 10}`;
      return done(known(due, `INV-${swapped}`), apply([[x, due]]));
    }
    case 'no_reference': {
      const y = canon(x);
      return done(known(due, chance(rng, 0.3) ? pick(rng, MEMOS) : null), apply([[y, due]]));
    }
    case 'multi_invoice': {
      if (open.length < 2) return done(known(due, cleanReference(rng, inv.number)), apply([[x, due]]), 'clean_reference');
      const k = Math.min(open.length, rng() < 0.6 ? 2 : rng() < 0.75 ? 3 : 4);
      const chosen = chance(rng, 0.7) ? open.slice(0, k) : shuffle(rng, [...open]).slice(0, k).sort((a, b) => a - b);
      const ref = multiReference(rng, chosen.map((i) => world.invoices[i]!.number));
      const named = ref.complete ? new Set(chosen) : ref.text ? new Set(chosen.slice(0, 1)) : new Set<number>();
      const taken = new Set<number>(named);
      const labelled = chosen.map((i) => {
        const j = named.has(i) ? i : canon(i, taken);
        taken.add(j);
        return [j, sim.open[i]!] as [number, number];
      });
      return done(known(labelled.reduce((s, [, a]) => s + a, 0), ref.text), apply(labelled), scenario, named);
    }
    case 'unknown_payer': {
      const payer = payerFor(rng, c);
      const withRef = chance(rng, 0.5);
      const ref = withRef ? (chance(rng, 0.7) ? cleanReference(rng, inv.number) : garbledReference(rng, inv.number).text) : null;
      return done({ client_id: null, payer_name: payer.name, payer_email: payer.email, currency: c.currency, amount: due, reference: ref }, apply([[withRef ? x : canon(x), due]]));
    }
    case 'bank_fee_within_tolerance':
    case 'bank_fee_beyond_tolerance': {
      const fee = scenario === 'bank_fee_within_tolerance' ? int(rng, Math.min(100, tolerance), tolerance) : int(rng, tolerance + 500, tolerance + 4_500);
      if (fee <= 0 || due <= fee * 4) return done(known(due, cleanReference(rng, inv.number)), apply([[x, due]]), 'clean_reference');
      const withRef = chance(rng, 0.6);
      const y = withRef ? x : canon(x);
      const ref = withRef ? cleanReference(rng, inv.number) : null;
      return done(known(due - fee, ref), scenario === 'bank_fee_within_tolerance' ? apply([[y, due - fee]], 0, [[y, fee]]) : apply([[y, due - fee]]));
    }
    case 'overpayment': {
      // Without a reference nothing ties the money to invoice x (the amount equals none): the policy.
      const extra = int(rng, 100, 10_000);
      const withRef = chance(rng, 0.8);
      if (!withRef) return done(known(due + extra, null), policy(due + extra));
      return done(known(due + extra, cleanReference(rng, inv.number)), apply([[x, due]], extra));
    }
    case 'partial_payment': {
      // Without a reference the part cannot be tied to invoice x: the policy (whole invoices only).
      const amount = Math.max(1, Math.round(due * (0.2 + 0.6 * rng())));
      const withRef = chance(rng, 0.7);
      if (!withRef) return done(known(amount, null), policy(amount));
      return done(known(amount, cleanReference(rng, inv.number)), apply([[x, amount]]));
    }
    case 'payment_on_account': {
      // A round sum "toward our balance", with an on-account memo or none: no invoice is meant.
      const oldest = open.slice(0, int(rng, 1, 3)).reduce((sum, i) => sum + sim.open[i]!, 0);
      const amount = Math.max(50_000, Math.round((oldest * (0.5 + rng())) / 50_000) * 50_000);
      return done(known(amount, pick(rng, [null, ...ON_ACCOUNT_MEMOS])), policy(amount));
    }
    case 'same_amount_several_clients': {
      const shared = sim.sharedAmountInvoice(rng);
      if (shared === null) return makePayment(rng, sim, world, 'unknown_payer', tolerance);
      const sc = world.clients[world.invoices[shared]!.client]!;
      const payer = payerFor(rng, sc);
      const personal = payer.kind === 'person_free_mail' ? payer : { name: 'Accounts Payable', email: `ap${int(rng, 1, 999)}@${pick(rng, ['gmail.com', 'outlook.com'])}` };
      const y = sim.openOf(world.invoices[shared]!.client).find((j) => sim.open[j] === sim.open[shared]) ?? shared;
      return done({ client_id: null, payer_name: personal.name, payer_email: personal.email, currency: sc.currency, amount: sim.open[shared]!, reference: null }, apply([[y, sim.open[shared]!]]));
    }
    case 'duplicate_payment': {
      const paid = sim.paidOf(client);
      if (paid.length === 0) return done(known(due, cleanReference(rng, inv.number)), apply([[x, due]]), 'clean_reference');
      const p = pick(rng, paid);
      return done(known(world.invoices[p]!.total, cleanReference(rng, world.invoices[p]!.number)), { kind: 'decide' });
    }
    case 'wrong_currency':
      return done(known(due, cleanReference(rng, inv.number), OTHER_CURRENCY[c.currency]), { kind: 'decide' });
  }
}

/** What is really open, as the payers see it. */
class Truth {
  readonly open: number[];
  private readonly pool: number[] = [];
  private readonly poolAt: Int32Array;
  private readonly byClient: number[][];
  private readonly byId: Map<string, number>;
  private readonly byAmount = new Map<string, Set<number>>();

  constructor(readonly world: World) {
    this.open = world.invoices.map((inv) => (inv.paidBefore ? 0 : inv.total));
    this.poolAt = new Int32Array(world.invoices.length).fill(-1);
    this.byClient = world.clients.map(() => []);
    this.byId = new Map(world.invoices.map((inv, i) => [inv.id, i]));
    world.invoices.forEach((inv, i) => {
      this.byClient[inv.client]!.push(i);
      if (this.open[i]! > 0) {
        this.poolAt[i] = this.pool.push(i) - 1;
        this.amountSet(i).add(i);
      }
    });
  }

  poolSize = () => this.pool.length;
  index = (id: string) => this.byId.get(id)!;
  randomOpen = (rng: Rng) => this.pool[Math.floor(rng() * this.pool.length)]!;
  openOf = (client: number) => this.byClient[client]!.filter((i) => this.open[i]! > 0);
  paidOf = (client: number) => this.byClient[client]!.filter((i) => this.open[i] === 0);

  /** An open invoice whose amount is also open at another client, or null after a few tries. */
  sharedAmountInvoice(rng: Rng): number | null {
    for (let t = 0; t < 30; t++) {
      const i = this.randomOpen(rng);
      const clients = new Set([...this.amountSet(i)].map((j) => this.world.invoices[j]!.client));
      if (clients.size >= 2) return i;
    }
    return null;
  }

  reduce(i: number, amount: number): void {
    this.amountSet(i).delete(i);
    this.open[i] = this.open[i]! - amount;
    if (this.open[i]! > 0) this.amountSet(i).add(i);
    else if (this.poolAt[i]! >= 0) {
      const at = this.poolAt[i]!;
      const last = this.pool.pop()!;
      if (last !== i) {
        this.pool[at] = last;
        this.poolAt[last] = at;
      }
      this.poolAt[i] = -1;
    }
  }

  private amountSet(i: number): Set<number> {
    const key = `${this.world.invoices[i]!.currency}:${this.open[i]}`;
    let set = this.byAmount.get(key);
    if (!set) this.byAmount.set(key, (set = new Set()));
    return set;
  }
}
