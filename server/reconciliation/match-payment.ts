// One payment: read the invoice numbers in its reference, make sure of the client (given, or
// identified from the payer and the reference), then apply the rules for that client. PURE.
import { exception, matchClientPayment, type Decision, type NamedInvoice, type PlannedSuggestion } from './match-rules';
import { scanReference } from './extract-invoice-numbers';
import { GROUP_SEARCH_BUDGET, type SearchBudget } from './find-invoice-group';
import { combineScores, decideClient, SUGGEST_MIN, CERTAIN, type ClientDirectory } from './identify-client';
import type { InvoiceBook } from './invoice-book';

/** Evidence for a client from the reference, by how the invoice number was written. */
export const REFERENCE_EVIDENCE = { strong: 0.97, ocr: 0.9, weak: 0.7, severalClients: 0.6 } as const;
/** Evidence for a likely client when the amount fits one of its open invoices exactly. */
export const AMOUNT_EVIDENCE = 0.7;
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
  directory: ClientDirectory;
  /** Client ids as strings, for stable tie-breaks. */
  clientKeys: readonly string[];
  tolerance: number;
}

interface Mentions {
  named: NamedInvoice[];
  unknownNumber: boolean;
}

function readMentions(reference: string | null, book: InvoiceBook): Mentions {
  const byInvoice = new Map<number, NamedInvoice>();
  let unknownNumber = false;
  for (const m of scanReference(reference, book.hasKey, book.prefixes)) {
    const invoices = book.withKey(m.key);
    if (invoices.length === 0 && m.strong) unknownNumber = true;
    for (const invoice of invoices) {
      const seen = byInvoice.get(invoice);
      const sure = m.strong && !m.ocr;
      if (!seen || (sure && !seen.sure) || (m.strong && !seen.strong)) byInvoice.set(invoice, { invoice, sure: sure || !!seen?.sure, strong: m.strong || !!seen?.strong });
    }
  }
  return { named: [...byInvoice.values()].sort((a, b) => a.invoice - b.invoice), unknownNumber };
}

/** Decides one payment against the book as it stands. Never changes the book. */
export function matchPayment(p: PaymentFacts, ctx: MatchContext): Decision {
  const budget: SearchBudget = { left: GROUP_SEARCH_BUDGET };
  const mentions = readMentions(p.reference, ctx.book);
  const forClient = (client: number, clientConfidence: number) =>
    matchClientPayment({ client, clientConfidence, currency: p.currency, amount: p.amount, named: mentions.named, unknownNumber: mentions.unknownNumber }, ctx.book, ctx.tolerance, budget);
  if (p.client !== null) return forClient(p.client, 1);

  const scores = ctx.directory.candidates({ name: p.payerName, email: p.payerEmail });
  const add = (i: number, s: number) => scores.set(i, combineScores(scores.get(i) ?? 0, s));
  const strongClients = new Map<number, boolean>(); // client → named by a sure mention
  const weakClients = new Set<number>();
  for (const n of mentions.named) {
    const c = ctx.book.client[n.invoice]!;
    if (n.strong) strongClients.set(c, strongClients.get(c) || n.sure);
    else weakClients.add(c);
  }
  if (strongClients.size === 1) {
    const [c, sure] = [...strongClients][0]!;
    add(c, sure ? REFERENCE_EVIDENCE.strong : REFERENCE_EVIDENCE.ocr);
  } else if (strongClients.size > 1) {
    for (const c of strongClients.keys()) add(c, REFERENCE_EVIDENCE.severalClients);
  } else if (weakClients.size === 1) {
    add([...weakClients][0]!, REFERENCE_EVIDENCE.weak);
  }
  const likely = [...scores].filter(([, s]) => s >= SUGGEST_MIN && s < CERTAIN);
  if (likely.length > 0) {
    const fitting = new Set(ctx.book.openWithAmount(p.currency, p.amount).map((i) => ctx.book.client[i]!));
    for (const [c] of likely) if (fitting.has(c)) add(c, AMOUNT_EVIDENCE);
  }

  const decision = decideClient(scores, (i) => ctx.clientKeys[i]!);
  if (decision.status === 'certain') return forClient(decision.client, decision.confidence);

  // Not sure who paid: suggest the likely clients with what the rules would do for each, then
  // clients that have an open invoice of exactly this amount.
  const suggestions: PlannedSuggestion[] = [];
  for (const [client, score] of decision.ranked.slice(0, 3)) {
    const preview = forClient(client, score);
    const invoices = preview.kind === 'apply' ? preview.allocations.map((a) => a.invoice) : (preview.suggestions[0]?.invoices ?? []);
    suggestions.push({ client, invoices, score: Math.round(score * 1000) / 1000 });
  }
  for (const i of ctx.book.openWithAmount(p.currency, p.amount)) {
    if (suggestions.length >= MAX_SUGGESTIONS) break;
    const client = ctx.book.client[i]!;
    if (!suggestions.some((s) => s.client === client)) suggestions.push({ client, invoices: [i], score: AMOUNT_ONLY_SCORE });
  }
  const reason = decision.status === 'unknown' ? 'unknown_client' : decision.status === 'ambiguous' ? 'ambiguous_client' : 'uncertain_client';
  return exception(reason, suggestions);
}
