// One payment: read the invoice numbers in its reference, make sure of the client (given, or
// identified from the payer and the reference), then apply the rules for that client. PURE.
import { exception, type Decision, type NamedInvoice, type PlannedSuggestion } from './decision';
import { matchClientPayment } from './match-rules';
import { scanReference } from './extract-invoice-numbers';
import { GROUP_SEARCH_BUDGET, type SearchBudget } from './find-invoice-group';
import { combineScores, decideClient, leadsCertainly, SUGGEST_MIN, type ClientDirectory } from './identify-client';
import type { InvoiceBook } from './invoice-book';

/**
 * Evidence for a client from the reference, by how the invoice number was written. A reference whose
 * invoices the amount does not pay (neither their open total nor short of it by at most the
 * tolerance) counts as `unfit`: a partial or overpayment, or a mistyped number that happens to be
 * someone else's invoice.
 */
export const REFERENCE_EVIDENCE = { strong: 0.97, ocr: 0.9, unfit: 0.6, weak: 0.7, severalClients: 0.6 } as const;
/**
 * Evidence from the amount, while no client is certain yet: it equals an open invoice of exactly one of
 * the likely clients (`candidate`; when several of them have one it tells them nothing), or — for a
 * payer nothing else points to — an open invoice of exactly one client in the whole book (`book`),
 * unless the amount is in whole hundreds (what people send as a deposit or on account).
 */
export const AMOUNT_EVIDENCE = { candidate: 0.8, book: 0.9 } as const;
const WHOLE_HUNDREDS = 10_000;
/** Memos that say the money is not for particular invoices. */
export const ON_ACCOUNT = /\b(on account|toward(s)? (our |the )?balance|payment plan|retainer|prepay(ment)?|deposit)\b/i;
/** Suggestions kept per exception. */
const MAX_SUGGESTIONS = 5;
/** Score of a client suggested only because it has an open invoice of exactly the amount. */
const AMOUNT_ONLY_SCORE = 0.2;

export interface PaymentFacts {
  /** Index of the given client, or null when the payer must be identified. */
  client: number | null;
  payerName: string | null;
  payerEmail: string | null;
  currency: string;
  amount: number;
  reference: string | null;
}

export interface MatchContext {
  book: InvoiceBook;
  /** The client indexes, built on first use. */
  directory: () => ClientDirectory;
  /** Client ids as strings, for stable tie-breaks. */
  clientKeys: readonly string[];
  tolerance: number;
}

interface Mentions {
  named: NamedInvoice[];
  /** Keys of marked numbers no invoice has. */
  unknownKeys: string[];
}

const NO_MENTIONS: Mentions = { named: [], unknownKeys: [] };

function readMentions(reference: string | null, book: InvoiceBook): Mentions {
  const found = scanReference(reference, book.hasKey, book.prefixes);
  if (found.length === 0) return NO_MENTIONS;
  const byInvoice = new Map<number, NamedInvoice>();
  const unknownKeys: string[] = [];
  for (const m of found) {
    const invoices = book.withKey(m.key);
    if (invoices.length === 0 && m.strong) unknownKeys.push(m.key);
    for (const invoice of invoices) {
      const seen = byInvoice.get(invoice);
      const sure = m.strong && !m.ocr;
      if (!seen || (sure && !seen.sure) || (m.strong && !seen.strong)) byInvoice.set(invoice, { invoice, sure: sure || !!seen?.sure, strong: m.strong || !!seen?.strong });
    }
  }
  return { named: [...byInvoice.values()].sort((a, b) => a.invoice - b.invoice), unknownKeys };
}

function forClient(p: PaymentFacts, mentions: Mentions, ctx: MatchContext, budget: SearchBudget, client: number, clientConfidence: number): Decision {
  const untrusted = mentions.unknownKeys.length > 0 ? 'unknown_invoice' : null;
  const onAccount = mentions.named.length === 0 && p.reference !== null && ON_ACCOUNT.test(p.reference);
  const payment = { client, clientConfidence, currency: p.currency, amount: p.amount, named: mentions.named, untrusted, mentionedKeys: mentions.unknownKeys, onAccount } as const;
  return matchClientPayment(payment, ctx.book, ctx.tolerance, budget);
}

function addScore(scores: Map<number, number>, client: number, score: number): void {
  scores.set(client, combineScores(scores.get(client) ?? 0, score));
}

/** Scores for who paid: payer name and email, invoice numbers in the reference, a fitting amount. */
function scorePayer(p: PaymentFacts, mentions: Mentions, ctx: MatchContext): Map<number, number> {
  const { book } = ctx;
  const relatives: number[] = [];
  const scores = ctx.directory().candidates({ name: p.payerName, email: p.payerEmail }, relatives);
  const strongClients = new Map<number, boolean>(); // client → named by a sure mention
  const weakClients = new Set<number>();
  for (const n of mentions.named) {
    const c = book.client[n.invoice]!;
    if (n.strong) strongClients.set(c, strongClients.get(c) || n.sure);
    else weakClients.add(c);
  }
  if (strongClients.size === 1) {
    const [c, sure] = [...strongClients][0]!;
    const total = mentions.named
      .filter((n) => n.strong && book.client[n.invoice] === c && book.currency[n.invoice] === p.currency)
      .reduce((s, n) => s + book.open[n.invoice]!, 0);
    const fits = total > 0 && p.amount <= total && p.amount >= total - ctx.tolerance;
    addScore(scores, c, !fits ? REFERENCE_EVIDENCE.unfit : sure ? REFERENCE_EVIDENCE.strong : REFERENCE_EVIDENCE.ocr);
  } else if (strongClients.size > 1) {
    for (const c of strongClients.keys()) addScore(scores, c, REFERENCE_EVIDENCE.severalClients);
  } else if (weakClients.size === 1) {
    addScore(scores, [...weakClients][0]!, REFERENCE_EVIDENCE.weak);
  }
  // The amount helps only while nobody is certain yet, and only when it tells the candidates apart.
  if (leadsCertainly(scores)) return scores;
  let best = 0;
  for (const s of scores.values()) best = Math.max(best, s);
  const hasAmount = (c: number) => book.openFor(c, p.currency).some((i) => book.open[i] === p.amount);
  let fitting = -1;
  for (const [c, s] of scores) {
    if (s < SUGGEST_MIN || !hasAmount(c)) continue;
    if (fitting >= 0) return scores; // several likely clients have it
    fitting = c;
  }
  // A look-alike client with the same amount open makes the amount no evidence either.
  if (fitting >= 0 && relatives.some((c) => c !== fitting && hasAmount(c))) return scores;
  if (fitting >= 0) addScore(scores, fitting, AMOUNT_EVIDENCE.candidate);
  else if (best < SUGGEST_MIN && p.amount % WHOLE_HUNDREDS !== 0 && !namesACompany(p.payerName)) {
    const only = book.onlyClientWithOpenAmount(p.currency, p.amount);
    if (only !== null) addScore(scores, only, AMOUNT_EVIDENCE.book);
  }
  return scores;
}

const COMPANY_WORDS = /(?:^|[^a-z])(?:llc|l\.l\.c|inc|ltd|corp|corporation|company|holdings|group|gmbh|plc|llp|lp|pllc)(?:[^a-z]|$)/i;

/**
 * A payer name with a company's legal or group word ("ZYX HOLDINGS LLC") that matched no client is a
 * company Settle does not know: a unique amount is then no evidence that one of our clients paid.
 */
export const namesACompany = (name: string | null) => name !== null && COMPANY_WORDS.test(name);

/** Decides one payment against the book as it stands. Never changes the book. */
export function matchPayment(p: PaymentFacts, ctx: MatchContext): Decision {
  const budget: SearchBudget = { left: GROUP_SEARCH_BUDGET };
  const mentions = readMentions(p.reference, ctx.book);
  if (p.client !== null) return forClient(p, mentions, ctx, budget, p.client, 1);
  const scores = scorePayer(p, mentions, ctx);
  const decision = decideClient(scores, (i) => ctx.clientKeys[i]!);
  if (decision.status === 'certain') return forClient(p, mentions, ctx, budget, decision.client, decision.confidence);

  // Not sure who paid: suggest the likely clients with what the rules would do for each, then
  // clients that have an open invoice of exactly this amount.
  const suggestions: PlannedSuggestion[] = [];
  for (const [client, score] of decision.ranked.slice(0, 3)) {
    const preview = forClient(p, mentions, ctx, budget, client, score);
    const invoices = preview.kind === 'apply' ? preview.allocations.map((a) => a.invoice) : (preview.suggestions[0]?.invoices ?? []);
    suggestions.push({ client, invoices, score: Math.round(score * 1000) / 1000 });
  }
  for (const i of ctx.book.openWithAmount(p.currency, p.amount, MAX_SUGGESTIONS)) {
    if (suggestions.length >= MAX_SUGGESTIONS) break;
    const client = ctx.book.client[i]!;
    if (!suggestions.some((s) => s.client === client)) suggestions.push({ client, invoices: [i], score: AMOUNT_ONLY_SCORE });
  }
  const reason = decision.status === 'unknown' ? 'unknown_client' : decision.status === 'ambiguous' ? 'ambiguous_client' : 'uncertain_client';
  return exception(reason, suggestions);
}
