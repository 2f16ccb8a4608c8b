// Stripe failure and decline codes in plain words, with what to do next. One table for the portal,
// receipts/failure emails and the technician view. Unknown codes fall back to Stripe's own message
// (already written for people) and a generic next step — never a raw code alone.

export interface FailureExplanation {
  message: string;
  nextStep: string;
}

const TRY_ANOTHER = 'Try again with a different card or bank account.';
const CONTACT_BANK = 'Contact your bank, or pay with a different card or bank account.';

const REASONS: Record<string, FailureExplanation> = {
  insufficient_funds: { message: 'There were not enough funds in the account.', nextStep: 'Add funds and try again, or use a different card or bank account.' },
  card_declined: { message: 'The card was declined by its bank.', nextStep: CONTACT_BANK },
  generic_decline: { message: 'The card was declined by its bank.', nextStep: CONTACT_BANK },
  do_not_honor: { message: 'The card was declined by its bank.', nextStep: CONTACT_BANK },
  expired_card: { message: 'The card has expired.', nextStep: 'Use a card that has not expired.' },
  incorrect_cvc: { message: 'The security code (CVC) was incorrect.', nextStep: 'Check the 3-digit code on the back of the card and try again.' },
  incorrect_number: { message: 'The card number was incorrect.', nextStep: 'Check the card number and try again.' },
  processing_error: { message: 'The card could not be processed because of a temporary problem.', nextStep: 'Wait a few minutes and try again.' },
  lost_card: { message: 'The card was reported lost.', nextStep: TRY_ANOTHER },
  stolen_card: { message: 'The card was reported stolen.', nextStep: TRY_ANOTHER },
  fraudulent: { message: 'The card was declined by its bank.', nextStep: CONTACT_BANK },
  authentication_required: { message: 'The bank asked for extra verification of this payment.', nextStep: 'Pay again and complete the verification step your bank shows.' },
  payment_intent_authentication_failure: { message: 'The card verification step was not completed.', nextStep: 'Pay again and complete the verification step your bank shows.' },
  account_closed: { message: 'The bank account is closed.', nextStep: 'Add a different bank account or pay by card.' },
  no_account: { message: 'The bank could not find this account.', nextStep: 'Check the account and routing numbers, or add a different account.' },
  debit_not_authorized: { message: 'The account holder told their bank this debit was not authorized.', nextStep: 'Contact your bank to allow debits from us, or pay by card.' },
  invalid_account_number: { message: 'The bank account number is not valid.', nextStep: 'Check the account number, or add a different account.' },
  invalid_currency: { message: 'This bank account cannot receive payments in this currency.', nextStep: 'Use a different bank account or pay by card.' },
  bank_account_restricted: { message: 'The bank account does not allow this kind of debit.', nextStep: 'Contact your bank, or use a different account.' },
  payment_method_microdeposit_verification_attempts_exceeded: { message: 'The bank account could not be verified.', nextStep: 'Add the bank account again, or pay by card.' },
  payment_method_microdeposit_verification_timeout: { message: 'The bank account was not verified in time.', nextStep: 'Add the bank account again, or pay by card.' },
  canceled: { message: 'The payment was canceled before it was completed.', nextStep: 'Start a new payment when you are ready.' },
};

/** Plain-words reason for a failed payment (decline code first: it is the more specific). */
export function explainFailure(codes: { failureCode: string | null; declineCode: string | null; message?: string | null }): FailureExplanation {
  const known = (codes.declineCode && REASONS[codes.declineCode]) || (codes.failureCode && REASONS[codes.failureCode]);
  if (known) return known;
  return { message: codes.message?.trim() || 'The payment did not go through.', nextStep: TRY_ANOTHER };
}
