// Why a payment waits for a person, in plain words for the exceptions queue. The engine reports a
// short code; unknown codes are shown humanized rather than hidden.
const REASONS: Record<string, string> = {
  unknown_client: 'Settle could not tell which client sent this money: the payer’s name and email match no client.',
  uncertain_client: 'The payer looks like one of your clients, but not surely enough to apply the money without you.',
  ambiguous_client: 'The payer matches more than one client equally well.',
  ambiguous_match: 'Several invoices fit this amount equally well, so Settle did not pick one.',
  reference_conflict: 'The reference names an invoice that does not fit this payment (another client’s, or a different amount).',
  unknown_invoice: 'The reference mentions an invoice number Settle does not know.',
  invoice_already_paid: 'The reference names an invoice that is already paid.',
  no_open_invoices: 'The client has no open invoices for this money to pay.',
  underpayment_beyond_tolerance: 'The amount is short of the invoice by more than your underpayment tolerance.',
  currency_mismatch: 'The payment is in a different currency from the invoices.',
  search_limit: 'Too many combinations of invoices could add up to this amount to check them all.',
  no_match: 'No rule matched this payment with certainty.',
  match_no_longer_fits: 'A match was found, but the invoices changed meanwhile (paid or edited), so it no longer fits.',
};

export function describeExceptionReason(code: string): string {
  const known = REASONS[code];
  if (known) return known;
  const words = code.replace(/[_-]+/g, ' ').trim();
  return words ? `${words.charAt(0).toUpperCase()}${words.slice(1)}.` : REASONS.no_match!;
}
