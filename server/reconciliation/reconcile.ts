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
import { matchPayment, type MatchContext } from './match-payment';
import type { AllocationRule } from './match-rules';
import type { ExceptionReason } from './exception-reasons';
import type { ReconcileInput } from './reconcile-input';

export type { AllocationRule } from './match-rules';
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
  const clientKeys = input.clients.map((c) => String(c.id));
  const clientIndex = new Map(clientKeys.map((k, i) => [k, i]));
  const book = new InvoiceBook(input.invoices, clientIndex);
  const directory = new ClientDirectory(input.clients.map((c) => ({ name: c.name, email: c.email ?? null })));
  const ctx: MatchContext = { book, directory, clientKeys, tolerance: input.settings.underpayment_tolerance };
  const payments = input.payments
    .map((p) => ({ p, at: Date.parse(p.received_at), key: String(p.id) }))
    .sort((a, b) => a.at - b.at || compareIds(a.key, b.key));

  const out: ReconcileOutput = { allocations: [], credits: [], write_offs: [], exceptions: [] };
  const invoiceId = (i: number) => book.invoices[i]!.id;
  for (const { p } of payments) {
    const decision = matchPayment(
      {
        client: p.client_id === null ? null : clientIndex.get(String(p.client_id))!,
        payerName: p.payer_name ?? null,
        payerEmail: p.payer_email ?? null,
        currency: p.currency.toUpperCase(),
        amount: p.amount,
        reference: p.reference ?? null,
      },
      ctx,
    );
    if (decision.kind === 'exception') {
      out.exceptions.push({
        payment_id: p.id,
        reason: decision.reason,
        suggestions: decision.suggestions.map((s) => ({ client_id: input.clients[s.client]!.id, invoice_ids: s.invoices.map(invoiceId), score: s.score })),
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
    if (decision.credit > 0) out.credits.push({ payment_id: p.id, client_id: input.clients[decision.client]!.id, amount: decision.credit });
  }
  return out;
}
