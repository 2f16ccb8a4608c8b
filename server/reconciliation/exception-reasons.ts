// Why a payment went to the exceptions queue. The codes are stable (stored by the database side and
// shown by the UI); the descriptions are plain words for the technician who resolves the exception.

export const EXCEPTION_REASONS = [
  'unknown_client',
  'ambiguous_client',
  'uncertain_client',
  'currency_mismatch',
  'no_open_invoices',
  'invoice_already_paid',
  'unknown_invoice',
  'reference_conflict',
  'ambiguous_match',
  'underpayment_beyond_tolerance',
  'search_limit',
] as const;

export type ExceptionReason = (typeof EXCEPTION_REASONS)[number];

export const EXCEPTION_REASON_DESCRIPTIONS: Readonly<Record<ExceptionReason, string>> = {
  unknown_client: 'Nothing in the payer name, email or reference points to a client. Assign the payment to a client.',
  ambiguous_client: 'Several clients fit the payer about equally well. Pick the client who paid.',
  uncertain_client: 'One client is likely, but the evidence is not strong enough to apply money without a person. Confirm the client.',
  currency_mismatch: 'The payment is in a different currency from the invoices it names or from all of the client’s open invoices.',
  no_open_invoices: 'The client has no open invoice in this currency. Keep it as credit, refund it, or wait for the invoice to arrive from the PSA.',
  invoice_already_paid: 'The reference names invoices that are already paid — possibly a duplicate payment. Refund it or keep it as credit.',
  unknown_invoice: 'The reference names an invoice number Settle does not know, and the amount fits no open invoice.',
  reference_conflict: 'The reference names an invoice that does not fit: it belongs to another client, or the amount matches a different invoice exactly.',
  ambiguous_match: 'Different sets of open invoices fit the amount equally well. Choose the invoices it pays.',
  underpayment_beyond_tolerance: 'The amount is just short of an open invoice, by more than the underpayment tolerance: a bank fee above the tolerance or a partial payment.',
  search_limit: 'The client has too many open invoices to search every combination for this amount. Choose the invoices it pays.',
};
