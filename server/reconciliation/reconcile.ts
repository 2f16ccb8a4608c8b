// The matching engine (issue 7): applies incoming funds to open invoices when Settle is sure and
// sends everything else to the exceptions queue with ranked suggestions. docs/reconciliation.md
// explains every rule and decision.
//
// PURE and deterministic: no database, no clock, no randomness, no I/O. The same input gives the same
// output, whatever the order of the input arrays (every tie is broken by ids). Payments are decided
// in received_at order (ties by id), each against the invoices still open after the ones before it.
// It never guesses: a payment is applied only when the client is certain and a rule fits, and an
// exception allocates nothing. Validate input with `reconcileInputSchema` first; the engine trusts it.
import { ClientDirectory } from './identify-client';
import { InvoiceBook } from './invoice-book';
import { matchPayment, type MatchContext, type PaymentFacts } from './match-payment';
import type { AllocationRule } from './decision';
import type { ExceptionReason } from './exception-reasons';
import type { ReconcileInput } from './reconcile-input';

export type { AllocationRule } from './decision';
export { EXCEPTION_REASONS, EXCEPTION_REASON_DESCRIPTIONS, type ExceptionReason } from './exception-reasons';
export { reconcileInputSchema, describeInputProblems, type ReconcileInput, type ParsedReconcileInput } from './reconcile-input';
export { extractInvoiceNumbers, invoiceNumberKey, type InvoiceNumberMention } from './extract-invoice-numbers';
export { identifyClient, normalizePayerName, type IdentifiedClient } from './identify-client';

export type ReconcileId = string | number;

export interface ReconcileAllocation {
  payment_id: ReconcileId;
  invoice_id: ReconcileId;
  amount: number;
  rule: AllocationRule;
  confidence: number;
}

export interface ReconcileCredit {
  payment_id: ReconcileId;
  client_id: ReconcileId;
  amount: number;
}

export interface ReconcileWriteOff {
  payment_id: ReconcileId;
  invoice_id: ReconcileId;
  amount: number;
}

export interface ReconcileSuggestion {
  client_id: ReconcileId;
  invoice_ids: ReconcileId[];
  score: number;
}

export interface ReconcileException {
  payment_id: ReconcileId;
  reason: ExceptionReason;
  suggestions: ReconcileSuggestion[];
}

export interface ReconcileOutput {
  allocations: ReconcileAllocation[];
  credits: ReconcileCredit[];
  write_offs: ReconcileWriteOff[];
  exceptions: ReconcileException[];
}

const compareIds = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Decides every payment of the input. Idempotent in the sense that matters: re-running on the state
 * it leaves (invoices reduced by its allocations and write-offs, decided payments removed) allocates
 * nothing further. Never reads or writes anything outside its argument.
 */
export function reconcile(input: ReconcileInput): ReconcileOutput {
  // Clients in id order, so that no tie anywhere depends on the order they were given in.
  const clients = [...input.clients].sort((a, b) => compareIds(String(a.id), String(b.id)));
  const clientKeys = clients.map((c) => String(c.id));
  const clientIndex = new Map(clientKeys.map((k, i) => [k, i]));
  const book = new InvoiceBook(input.invoices, clientIndex);
  // Built on the first payment that comes without a client: many calls have none.
  let directory: ClientDirectory | null = null;
  const lookUpClients = () => (directory ??= new ClientDirectory(clients.map((c) => ({ name: c.name, email: c.email ?? null }))));
  const ctx: MatchContext = { book, directory: lookUpClients, clientKeys, tolerance: input.settings.underpayment_tolerance };
  const payments = input.payments;
  const receivedAt = new Float64Array(payments.length);
  const paymentKeys = new Array<string>(payments.length);
  for (let k = 0; k < payments.length; k++) {
    receivedAt[k] = Date.parse(payments[k]!.received_at);
    paymentKeys[k] = String(payments[k]!.id);
  }
  const order = Array.from({ length: payments.length }, (_, k) => k);
  order.sort((a, b) => receivedAt[a]! - receivedAt[b]! || compareIds(paymentKeys[a]!, paymentKeys[b]!));

  const out: ReconcileOutput = { allocations: [], credits: [], write_offs: [], exceptions: [] };
  const invoiceId = (i: number) => book.invoices[i]!.id;
  const facts: PaymentFacts = { client: null, payerName: null, payerEmail: null, currency: '', amount: 0, reference: null };
  for (const k of order) {
    const p = payments[k]!;
    facts.client = p.client_id === null ? null : clientIndex.get(String(p.client_id))!;
    facts.payerName = p.payer_name ?? null;
    facts.payerEmail = p.payer_email ?? null;
    facts.currency = p.currency.length === 3 && p.currency === p.currency.toUpperCase() ? p.currency : p.currency.toUpperCase();
    facts.amount = p.amount;
    facts.reference = p.reference ?? null;
    const decision = matchPayment(facts, ctx);
    if (decision.kind === 'exception') {
      out.exceptions.push({
        payment_id: p.id,
        reason: decision.reason,
        suggestions: decision.suggestions.map((s) => ({ client_id: clients[s.client]!.id, invoice_ids: s.invoices.map(invoiceId), score: s.score })),
      });
      continue;
    }
    for (const a of decision.allocations) {
      out.allocations.push({ payment_id: p.id, invoice_id: invoiceId(a.invoice), amount: a.amount, rule: a.rule, confidence: a.confidence });
      book.reduce(a.invoice, a.amount);
    }
    for (const w of decision.writeOffs) {
      out.write_offs.push({ payment_id: p.id, invoice_id: invoiceId(w.invoice), amount: w.amount });
      book.reduce(w.invoice, w.amount);
    }
    if (decision.credit > 0) out.credits.push({ payment_id: p.id, client_id: clients[decision.client]!.id, amount: decision.credit });
  }
  return out;
}
