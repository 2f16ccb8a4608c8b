// The rules for one payment of a client Settle is certain about, in order:
//   (1) invoice numbers in the reference        → invoice_number (then the rest by 2/3 or to credit)
//   (2) one open invoice of exactly the amount  → exact_amount (oldest first)
//   (3) 2–5 open invoices summing to the amount → group (smallest group, then oldest)
//   (4) an underpayment within the tolerance    → tolerance (+ a write-off of the difference)
//   (5) otherwise oldest invoices fully funded  → oldest_first (+ the rest to credit)
// with guards that send the payment to a person instead: a reference that contradicts the amount,
// names a paid or unknown invoice, several different groups that fit, a match in a crowd of
// near-matches, or an amount just short of an invoice by more than the tolerance.
// PURE: reads the book, never changes it (the caller applies the decision). A class rather than
// closures because it runs 100,000 times a run and each closure would be allocated every time.
import { exception, NEAR_MISS_SHARE, RULE_CONFIDENCE, type ClientPayment, type Decision, type NamedInvoice, type PlannedAllocation, type PlannedSuggestion } from './decision';
import { isOneTypoApart } from './extract-invoice-numbers';
import { EXACT_CONTROL_WIDTH, findInvoiceGroup, isCrowded, type SearchBudget } from './find-invoice-group';
import type { InvoiceBook } from './invoice-book';

/** Rule 4 looks at groups of at most this many invoices: beyond, some sum lands in the window by chance. */
export const MAX_TOLERANCE_GROUP = 3;
/**
 * A tolerance match counts only when no group of its size lands in the windows around it, out to
 * this many tolerances below the amount and above the window: else the neighbourhood is crowded and
 * landing in the window is chance.
 */
export const TOLERANCE_CONTROL = 3;

/** A shortfall written off under the tolerance may be at most this share of the invoices it pays. */
export const MAX_FEE_SHARE = 0.1;

/** Rule 5 needs the client given, or identified at least this surely (the client's own email). */
export const RULE5_MIN_CLIENT_CONFIDENCE = 0.95;

const round3 = (n: number) => Math.round(n * 1000) / 1000;
type WriteOff = { invoice: number; amount: number };

/** Decides one payment of a known client. `tolerance` is the installation's, in minor units. */
export function matchClientPayment(p: ClientPayment, book: InvoiceBook, tolerance: number, budget: SearchBudget): Decision {
  return new ClientPaymentRules(p, book, tolerance, budget).decide();
}

class ClientPaymentRules {
  constructor(
    private readonly p: ClientPayment,
    private readonly book: InvoiceBook,
    private readonly tolerance: number,
    private readonly budget: SearchBudget,
  ) {}

  decide(): Decision {
    const { p, book } = this;
    if (p.named.length === 0) return this.amountRules(book.openFor(p.client, p.currency));
    const own = p.named.filter((n) => book.client[n.invoice] === p.client);
    const others = p.named.filter((n) => book.client[n.invoice] !== p.client && n.strong);
    if (own.length === 0 && others.length > 0) return this.otherClientsInvoices(others);
    const sameCurrency = own.filter((n) => book.currency[n.invoice] === p.currency);
    if (own.length > 0 && sameCurrency.length === 0) return exception('currency_mismatch', [this.suggest(own.map((n) => n.invoice), 0.3)]);
    const openNamed = sameCurrency.filter((n) => book.open[n.invoice]! > 0).sort((a, b) => a.invoice - b.invoice);
    const paidNamed = sameCurrency.filter((n) => book.open[n.invoice] === 0).map((n) => n.invoice);
    const open = book.openFor(p.client, p.currency);
    const total = openNamed.reduce((s, n) => s + book.open[n.invoice]!, 0);
    if (paidNamed.length > 0 && p.amount !== total) {
      const fits = open.filter((i) => book.open[i] === p.amount).slice(0, 1);
      return exception('invoice_already_paid', [this.suggest(paidNamed, 0.4), ...(fits.length ? [this.suggest(fits, 0.3)] : [])]);
    }
    if (openNamed.length === 0) return this.amountRules(open);
    return this.namedInvoices(openNamed, total, open);
  }

  /** Rule 1 with open invoices of the client named; `total` is their open sum. */
  private namedInvoices(openNamed: NamedInvoice[], total: number, open: readonly number[]): Decision {
    const { p, book } = this;
    const full = (n: NamedInvoice): PlannedAllocation => ({
      invoice: n.invoice,
      amount: book.open[n.invoice]!,
      rule: 'invoice_number',
      confidence: this.conf(n.sure ? RULE_CONFIDENCE.invoiceNumber : RULE_CONFIDENCE.invoiceNumberLoose),
    });
    if (p.amount === total) return this.apply(openNamed.map(full));
    if (p.amount < total && total - p.amount <= this.tolerance) {
      const tolerated = this.withTolerance(openNamed.map((n) => n.invoice));
      if (tolerated) return tolerated;
    }
    const named = new Set(openNamed.map((n) => n.invoice));
    const exactElsewhere = open.find((i) => !named.has(i) && book.open[i] === p.amount);
    if (exactElsewhere !== undefined) {
      // The named invoices do not fit the amount but another one does exactly: a mistyped number?
      return exception('reference_conflict', [this.suggest([exactElsewhere], 0.5), this.suggest([...named], 0.4)]);
    }
    if (p.amount < total) {
      // A partial payment of the named invoices, oldest first.
      let left = p.amount;
      const allocations: PlannedAllocation[] = [];
      for (const n of openNamed) {
        const amount = Math.min(left, book.open[n.invoice]!);
        if (amount === 0) break;
        allocations.push({ invoice: n.invoice, amount, rule: 'invoice_number', confidence: this.conf(RULE_CONFIDENCE.partial) });
        left -= amount;
      }
      return this.apply(allocations);
    }
    // More than the named invoices: the rest pays other invoices only when it fits them exactly.
    const allocations = openNamed.map(full);
    const rest = p.amount - total;
    const unnamed = open.filter((i) => !named.has(i));
    const group = findInvoiceGroup(unnamed.map((i) => book.open[i]!), rest, rest, this.budget);
    if (group.kind !== 'found') return this.apply(allocations, rest);
    const rule = group.members.length === 1 ? 'exact_amount' : 'group';
    for (const m of group.members) allocations.push({ invoice: unnamed[m]!, amount: book.open[unnamed[m]!]!, rule, confidence: this.conf(RULE_CONFIDENCE.remainder) });
    return this.apply(allocations);
  }

  /**
   * Only invoices of other clients are named. If the amount fits them, the payer may be paying for a
   * sister company: a person decides. If not, the number is most likely mistyped (1034 for 1043) and
   * the reference is set aside like an unknown number.
   */
  private otherClientsInvoices(others: NamedInvoice[]): Decision {
    const { p, book } = this;
    const theirs = others.filter((n) => book.currency[n.invoice] === p.currency).reduce((s, n) => s + book.open[n.invoice]!, 0);
    const byClient = new Map<number, number[]>();
    for (const n of others) byClient.set(book.client[n.invoice]!, [...(byClient.get(book.client[n.invoice]!) ?? []), n.invoice]);
    const theirSuggestions = [...byClient].map(([client, invoices]) => this.suggest(invoices, 0.5, client));
    if (theirs > 0 && p.amount <= theirs && theirs - p.amount <= this.tolerance) return exception('reference_conflict', theirSuggestions);
    const mentionedKeys = [...p.mentionedKeys, ...others.map((n) => book.keys[n.invoice]!)];
    return this.untrustedReference(book.openFor(p.client, p.currency), 'reference_conflict', mentionedKeys, theirSuggestions);
  }

  /**
   * The reference names an invoice that is not the payer's or not known: only an exact single-invoice
   * fit is trusted, and among several of that amount only the one whose number is one typo away.
   */
  private untrustedReference(open: readonly number[], reason: 'unknown_invoice' | 'reference_conflict', keys: readonly string[], extra: PlannedSuggestion[]): Decision {
    const { p, book } = this;
    const fits = open.filter((i) => book.open[i] === p.amount);
    const near = fits.filter((i) => keys.some((k) => book.keys[i] !== null && isOneTypoApart(k, book.keys[i]!)));
    const chosen = fits.length === 1 ? fits[0] : near.length === 1 ? near[0] : undefined;
    if (chosen !== undefined) return this.apply([{ invoice: chosen, amount: p.amount, rule: 'exact_amount', confidence: this.conf(RULE_CONFIDENCE.exactAmountDespiteUnknownNumber) }]);
    if (fits.length > 1) return exception('ambiguous_match', [...fits.slice(0, 3).map((i) => this.suggest([i], 0.4)), ...extra]);
    return exception(reason, extra);
  }

  /** Rules 2–5 for a payment whose reference names no open invoice of the client. */
  private amountRules(open: readonly number[]): Decision {
    const { p, book, tolerance, budget } = this;
    if (open.length === 0) return exception(book.hasOpenInOtherCurrency(p.client, p.currency) ? 'currency_mismatch' : 'no_open_invoices');
    if (p.untrusted) return this.untrustedReference(open, p.untrusted, p.mentionedKeys, []);
    if (p.onAccount) return this.oldestFirst(open);
    // Rule 2 without the group search: the oldest invoice of exactly the amount (what the search
    // would return for a group of one), and whether another has it too.
    let first = -1;
    let several = false;
    for (const i of open) {
      if (book.open[i] !== p.amount) continue;
      if (first < 0) first = i;
      else {
        several = true;
        break;
      }
    }
    if (first >= 0) {
      const confidence = this.conf(several ? RULE_CONFIDENCE.exactAmountOldestOfSeveral : RULE_CONFIDENCE.exactAmount);
      return this.apply([{ invoice: first, amount: p.amount, rule: 'exact_amount', confidence }]);
    }
    const amounts = open.map((i) => book.open[i]!);
    const members = (m: number[]) => m.map((k) => open[k]!);
    const exact = findInvoiceGroup(amounts, p.amount, p.amount, budget, 2);
    if (exact.kind === 'found') {
      const size = exact.members.length;
      const group = members(exact.members);
      const a = p.amount;
      if (isCrowded(amounts, a - EXACT_CONTROL_WIDTH, a - 1, size, budget) || isCrowded(amounts, a + 1, a + EXACT_CONTROL_WIDTH, size, budget)) {
        return exception('ambiguous_match', [this.suggest(group, 0.4)]);
      }
      const confidence = this.conf(RULE_CONFIDENCE.group[size - 2]!);
      return this.apply(group.map((i) => ({ invoice: i, amount: book.open[i]!, rule: 'group', confidence })));
    }
    if (exact.kind === 'ambiguous') return exception('ambiguous_match', exact.groups.map((g) => this.suggest(members(g), 0.5)));
    if (exact.kind === 'limit') return exception('search_limit', [this.suggest(open.slice(0, 5), 0.2)]);
    if (tolerance > 0) {
      const near = findInvoiceGroup(amounts, p.amount + 1, p.amount + tolerance, budget, 1, MAX_TOLERANCE_GROUP);
      if (near.kind === 'found') {
        const size = near.members.length;
        const crowded =
          isCrowded(amounts, p.amount - TOLERANCE_CONTROL * tolerance, p.amount - 1, size, budget) ||
          isCrowded(amounts, p.amount + tolerance + 1, p.amount + TOLERANCE_CONTROL * tolerance, size, budget);
        if (crowded) return exception('ambiguous_match', [this.suggest(members(near.members), 0.4)]);
        const tolerated = this.withTolerance(members(near.members));
        if (tolerated) return tolerated;
      }
      if (near.kind === 'ambiguous') return exception('ambiguous_match', near.groups.map((g) => this.suggest(members(g), 0.5)));
      if (near.kind === 'limit') return exception('search_limit', [this.suggest(open.slice(0, 5), 0.2)]);
    }
    const short = open.find((i) => book.open[i]! > p.amount && book.open[i]! - p.amount <= NEAR_MISS_SHARE * book.open[i]!);
    if (short !== undefined) return exception('underpayment_beyond_tolerance', [this.suggest([short], 0.5)]);
    return this.oldestFirst(open);
  }

  /**
   * Rule 5: fund the oldest invoices fully while the money lasts; the rest is the client's credit.
   * Only for a client the payment came with, or one identified beyond doubt: rule 5 is a policy, not
   * a match, so nothing in the amount confirms an identification made from a name or a domain.
   */
  private oldestFirst(open: readonly number[]): Decision {
    const { p, book } = this;
    if (p.clientConfidence < RULE5_MIN_CLIENT_CONFIDENCE) return exception('uncertain_client', [this.suggest(open.slice(0, 5), 0.5)]);
    let left = p.amount;
    const allocations: PlannedAllocation[] = [];
    for (const i of open) {
      if (book.open[i]! > left) break;
      allocations.push({ invoice: i, amount: book.open[i]!, rule: 'oldest_first', confidence: this.conf(RULE_CONFIDENCE.oldestFirst) });
      left -= book.open[i]!;
    }
    return this.apply(allocations, left);
  }

  /**
   * Funds the invoices and writes off the shortfall on the newest one that is larger than it (so every
   * allocation stays positive); null when none is (tiny invoices under a large tolerance), or when
   * the shortfall is more than a tenth of the invoices: a bank takes a fee from a payment, it does
   * not take a fifth of it, so $18 toward a $40 remainder is a partial payment, not a $22 fee.
   */
  private withTolerance(invoices: number[]): Decision | null {
    const { p, book } = this;
    const sorted = [...invoices].sort((a, b) => a - b);
    const total = sorted.reduce((s, i) => s + book.open[i]!, 0);
    const shortfall = total - p.amount;
    if (shortfall > MAX_FEE_SHARE * total) return null;
    const target = sorted.findLast((i) => book.open[i]! > shortfall);
    if (target === undefined) return null;
    const confidence = this.conf(RULE_CONFIDENCE.tolerance);
    const allocations = sorted.map((i): PlannedAllocation => ({ invoice: i, amount: i === target ? book.open[i]! - shortfall : book.open[i]!, rule: 'tolerance', confidence }));
    return this.apply(allocations, 0, [{ invoice: target, amount: shortfall }]);
  }

  private conf(rule: number): number {
    return round3(this.p.clientConfidence * rule);
  }

  private apply(allocations: PlannedAllocation[], credit = 0, writeOffs: WriteOff[] = []): Decision {
    return { kind: 'apply', client: this.p.client, allocations, credit, writeOffs };
  }

  private suggest(invoices: number[], score: number, client = this.p.client): PlannedSuggestion {
    return { client, invoices, score: round3(this.p.clientConfidence * score) };
  }
}
