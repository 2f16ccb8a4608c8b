// What the rules decide for one payment, before it is applied to the book, and the confidence each
// rule carries. Indexes (client, invoice) point into the run's arrays; reconcile() maps them to ids.
import type { ExceptionReason } from './exception-reasons';

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
  /** The reference names an unknown number or another client's invoice (a typo?), but the amount fits one invoice exactly. */
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
  /**
   * The reference cannot be trusted: it names, with a marker, a number no invoice has
   * (`unknown_invoice`), or another client's invoice the amount does not fit (`reference_conflict`).
   * Then only an exact single-invoice fit is applied; otherwise the payment goes to a person with
   * this reason.
   */
  untrusted: 'unknown_invoice' | 'reference_conflict' | null;
  /** The keys of those untrusted numbers, to prefer the invoice a typo is closest to. */
  mentionedKeys: readonly string[];
  /** The memo says the money is not for particular invoices ("on account"): rule 5 directly. */
  onAccount: boolean;
}

export function exception(reason: ExceptionReason, suggestions: PlannedSuggestion[] = []): Decision {
  return { kind: 'exception', reason, suggestions };
}
