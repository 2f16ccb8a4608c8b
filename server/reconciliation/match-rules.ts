// The rules for one payment of a client Settle is certain about, in order:
//   (1) invoice numbers in the reference        → invoice_number (then the rest by 2/3 or to credit)
//   (2) one open invoice of exactly the amount  → exact_amount (oldest first)
//   (3) 2–5 open invoices summing to the amount → group (smallest group, then oldest)
//   (4) an underpayment within the tolerance    → tolerance (+ a write-off of the difference)
//   (5) otherwise oldest invoices fully funded  → oldest_first (+ the rest to credit)
// with guards that send the payment to a person instead: a reference that contradicts the amount,
// names a paid or unknown invoice, several different groups that fit, or an amount just short of an
// invoice by more than the tolerance. PURE: reads the book, never changes it (the caller applies).
import type { ExceptionReason } from './exception-reasons';
import { findInvoiceGroup, type SearchBudget } from './find-invoice-group';
import type { InvoiceBook } from './invoice-book';

export type AllocationRule = 'invoice_number' | 'exact_amount' | 'group' | 'tolerance' | 'oldest_first';

/** Confidence of each rule's decision, before it is multiplied by the confidence in the client. */
export const RULE_CONFIDENCE = {
  invoiceNumber: 1,
  /** A bare number, or one read through OCR-like letters. */
  invoiceNumberLoose: 0.9,
  /** Fewer funds than the named invoices: they are paid partly, oldest first. */
  partial: 0.9,
  exactAmount: 0.95,
  /** Several open invoices have the amount; the oldest is paid. */
  exactAmountOldestOfSeveral: 0.9,
  /** The reference names an unknown number (a typo?) but the amount fits one invoice exactly. */
  exactAmountDespiteUnknownNumber: 0.8,
  /** By group size 2, 3, 4, 5. */
  group: [0.9, 0.85, 0.8, 0.75],
  tolerance: 0.85,
  /** What is left after the named invoices, matched exactly by rule 2/3. */
  remainder: 0.8,
  oldestFirst: 0.7,
} as const;

/** An amount this close below one invoice (share of the invoice) is a fee or a short payment, not rule 5. */
export const NEAR_MISS_SHARE = 0.05;

export interface PlannedAllocation {
  invoice: number;
  amount: number;
  rule: AllocationRule;
  confidence: number;
}

export interface PlannedSuggestion {
  client: number;
  invoices: number[];
  score: number;
}

export type Decision =
  | { kind: 'apply'; client: number; allocations: PlannedAllocation[]; credit: number; writeOffs: Array<{ invoice: number; amount: number }> }
  | { kind: 'exception'; reason: ExceptionReason; suggestions: PlannedSuggestion[] };

export interface NamedInvoice {
  invoice: number;
  /** Strong and read without OCR-like letters. */
  sure: boolean;
  strong: boolean;
}

export interface ClientPayment {
  client: number;
  /** How sure Settle is about the client (1 when the payment came with one). */
  clientConfidence: number;
  currency: string;
  amount: number;
  named: readonly NamedInvoice[];
  /** The reference names, with a marker, a number no invoice has. */
  unknownNumber: boolean;
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

export function exception(reason: ExceptionReason, suggestions: PlannedSuggestion[] = []): Decision {
  return { kind: 'exception', reason, suggestions };
}

/** Decides one payment of a known client. `tolerance` is the installation's, in minor units. */
export function matchClientPayment(p: ClientPayment, book: InvoiceBook, tolerance: number, budget: SearchBudget): Decision {
  const c = p.clientConfidence;
  const conf = (rule: number) => round3(c * rule);
  const apply = (allocations: PlannedAllocation[], credit = 0, writeOffs: Array<{ invoice: number; amount: number }> = []): Decision => ({
    kind: 'apply', client: p.client, allocations, credit, writeOffs,
  });
  const suggest = (invoices: number[], score: number, client = p.client): PlannedSuggestion => ({ client, invoices, score: round3(c * score) });

  const own = p.named.filter((n) => book.client[n.invoice] === p.client);
  const others = p.named.filter((n) => book.client[n.invoice] !== p.client && n.strong);
  if (own.length === 0 && others.length > 0) {
    const byClient = new Map<number, number[]>();
    for (const n of others) byClient.set(book.client[n.invoice]!, [...(byClient.get(book.client[n.invoice]!) ?? []), n.invoice]);
    return exception('reference_conflict', [...byClient].map(([client, invoices]) => suggest(invoices, 0.5, client)));
  }
  const sameCurrency = own.filter((n) => book.currency[n.invoice] === p.currency);
  if (own.length > 0 && sameCurrency.length === 0) return exception('currency_mismatch', [suggest(own.map((n) => n.invoice), 0.3)]);
  const openNamed = sameCurrency.filter((n) => book.open[n.invoice]! > 0).sort((a, b) => a.invoice - b.invoice);
  const paidNamed = sameCurrency.filter((n) => book.open[n.invoice] === 0).map((n) => n.invoice);
  const open = book.openFor(p.client, p.currency);
  const total = openNamed.reduce((s, n) => s + book.open[n.invoice]!, 0);

  if (paidNamed.length > 0 && p.amount !== total) {
    const open1 = open.filter((i) => book.open[i] === p.amount).slice(0, 1);
    return exception('invoice_already_paid', [suggest(paidNamed, 0.4), ...(open1.length ? [suggest(open1, 0.3)] : [])]);
  }
  if (openNamed.length === 0) return amountRules(p, open, book, tolerance, budget, conf, apply, suggest);

  const namedConf = (n: NamedInvoice) => conf(n.sure ? RULE_CONFIDENCE.invoiceNumber : RULE_CONFIDENCE.invoiceNumberLoose);
  const namedSet = new Set(openNamed.map((n) => n.invoice));
  const exactElsewhere = open.filter((i) => !namedSet.has(i) && book.open[i] === p.amount);
  if (p.amount === total) return apply(openNamed.map((n) => ({ invoice: n.invoice, amount: book.open[n.invoice]!, rule: 'invoice_number', confidence: namedConf(n) })));
  if (p.amount < total && total - p.amount <= tolerance) {
    const tolerated = withTolerance(openNamed.map((n) => n.invoice), p.amount, book, conf(RULE_CONFIDENCE.tolerance), apply);
    if (tolerated) return tolerated;
  }
  if (exactElsewhere.length > 0) {
    // The named invoices do not fit the amount but another one does exactly: a mistyped number?
    return exception('reference_conflict', [suggest(exactElsewhere.slice(0, 1), 0.5), suggest([...namedSet], 0.4)]);
  }
  if (p.amount < total) {
    let left = p.amount;
    const allocations: PlannedAllocation[] = [];
    for (const n of openNamed) {
      const amount = Math.min(left, book.open[n.invoice]!);
      if (amount === 0) break;
      allocations.push({ invoice: n.invoice, amount, rule: 'invoice_number', confidence: conf(RULE_CONFIDENCE.partial) });
      left -= amount;
    }
    return apply(allocations);
  }
  // More than the named invoices: the rest pays other invoices only when it fits them exactly.
  const allocations: PlannedAllocation[] = openNamed.map((n) => ({ invoice: n.invoice, amount: book.open[n.invoice]!, rule: 'invoice_number', confidence: namedConf(n) }));
  const rest = p.amount - total;
  const unnamed = open.filter((i) => !namedSet.has(i));
  const group = findInvoiceGroup(unnamed.map((i) => book.open[i]!), rest, rest, budget);
  if (group.kind === 'found') {
    const rule = group.members.length === 1 ? 'exact_amount' : 'group';
    for (const m of group.members) allocations.push({ invoice: unnamed[m]!, amount: book.open[unnamed[m]!]!, rule, confidence: conf(RULE_CONFIDENCE.remainder) });
    return apply(allocations);
  }
  return apply(allocations, rest);
}

type Apply = (allocations: PlannedAllocation[], credit?: number, writeOffs?: Array<{ invoice: number; amount: number }>) => Decision;
type Suggest = (invoices: number[], score: number, client?: number) => PlannedSuggestion;

/** Rules 2–5 for a payment whose reference names no open invoice of the client. */
function amountRules(p: ClientPayment, open: number[], book: InvoiceBook, tolerance: number, budget: SearchBudget, conf: (r: number) => number, apply: Apply, suggest: Suggest): Decision {
  if (open.length === 0) return exception(book.hasOpenInOtherCurrency(p.client, p.currency) ? 'currency_mismatch' : 'no_open_invoices');
  const amounts = open.map((i) => book.open[i]!);
  const members = (m: number[]) => m.map((k) => open[k]!);
  const exact = findInvoiceGroup(amounts, p.amount, p.amount, budget);
  if (p.unknownNumber) {
    // The payer named an invoice we do not know: only an exact single-invoice fit is trusted.
    if (exact.kind === 'found' && exact.members.length === 1) {
      return apply([{ invoice: open[exact.members[0]!]!, amount: p.amount, rule: 'exact_amount', confidence: conf(RULE_CONFIDENCE.exactAmountDespiteUnknownNumber) }]);
    }
    return exception('unknown_invoice', exact.kind === 'found' ? [suggest(members(exact.members), 0.4)] : []);
  }
  if (exact.kind === 'found') {
    const size = exact.members.length;
    if (size === 1) {
      const i = open[exact.members[0]!]!;
      const several = open.some((j) => j !== i && book.open[j] === p.amount);
      return apply([{ invoice: i, amount: p.amount, rule: 'exact_amount', confidence: conf(several ? RULE_CONFIDENCE.exactAmountOldestOfSeveral : RULE_CONFIDENCE.exactAmount) }]);
    }
    const c = conf(RULE_CONFIDENCE.group[size - 2]!);
    return apply(members(exact.members).map((i) => ({ invoice: i, amount: book.open[i]!, rule: 'group', confidence: c })));
  }
  if (exact.kind === 'ambiguous') return exception('ambiguous_match', exact.groups.map((g) => suggest(members(g), 0.5)));
  if (exact.kind === 'limit') return exception('search_limit', [suggest(open.slice(0, 5), 0.2)]);
  if (tolerance > 0) {
    const near = findInvoiceGroup(amounts, p.amount + 1, p.amount + tolerance, budget);
    const tolerated = near.kind === 'found' ? withTolerance(members(near.members), p.amount, book, conf(RULE_CONFIDENCE.tolerance), apply) : null;
    if (tolerated) return tolerated;
    if (near.kind === 'ambiguous') return exception('ambiguous_match', near.groups.map((g) => suggest(members(g), 0.5)));
    if (near.kind === 'limit') return exception('search_limit', [suggest(open.slice(0, 5), 0.2)]);
  }
  const short = open.find((i) => book.open[i]! > p.amount && book.open[i]! - p.amount <= NEAR_MISS_SHARE * book.open[i]!);
  if (short !== undefined) return exception('underpayment_beyond_tolerance', [suggest([short], 0.5)]);
  // Rule 5: fund the oldest invoices fully while the money lasts; the rest is the client's credit.
  let left = p.amount;
  const allocations: PlannedAllocation[] = [];
  for (const i of open) {
    if (book.open[i]! > left) break;
    allocations.push({ invoice: i, amount: book.open[i]!, rule: 'oldest_first', confidence: conf(RULE_CONFIDENCE.oldestFirst) });
    left -= book.open[i]!;
  }
  return apply(allocations, left);
}

/**
 * Funds the invoices and writes off the shortfall on the newest one that is larger than it (so every
 * allocation stays positive); null when none is (tiny invoices under a large tolerance).
 */
function withTolerance(invoices: number[], amount: number, book: InvoiceBook, confidence: number, apply: Apply): Decision | null {
  const sorted = [...invoices].sort((a, b) => a - b);
  const shortfall = sorted.reduce((s, i) => s + book.open[i]!, 0) - amount;
  const target = sorted.findLast((i) => book.open[i]! > shortfall);
  if (target === undefined) return null;
  const allocations = sorted.map((i) => ({ invoice: i, amount: i === target ? book.open[i]! - shortfall : book.open[i]!, rule: 'tolerance' as const, confidence }));
  return apply(allocations, 0, [{ invoice: target, amount: shortfall }]);
}
