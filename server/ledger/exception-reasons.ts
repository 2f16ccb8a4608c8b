// Why a payment waits for a person, in plain words for the exceptions queue. The engine's codes are
// described by the engine (EXCEPTION_REASON_DESCRIPTIONS); the database side adds the cases only it
// can see. Unknown codes are shown humanized rather than hidden.
import { EXCEPTION_REASON_DESCRIPTIONS } from '../reconciliation/reconcile';

const LEDGER_REASONS: Record<string, string> = {
  no_match: 'No rule matched this payment with certainty. Choose the invoices it pays, or keep it as credit.',
  match_no_longer_fits: 'A match was found, but the invoices changed meanwhile (paid or edited), so it no longer fits. Choose again.',
};

export function describeExceptionReason(code: string): string {
  const known = (EXCEPTION_REASON_DESCRIPTIONS as Record<string, string>)[code] ?? LEDGER_REASONS[code];
  if (known) return known;
  const words = code.replace(/[_-]+/g, ' ').trim();
  return words ? `${words.charAt(0).toUpperCase()}${words.slice(1)}.` : LEDGER_REASONS.no_match!;
}
