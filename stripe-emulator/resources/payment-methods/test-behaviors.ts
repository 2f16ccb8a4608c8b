/**
 * Stripe's test cards and test bank accounts and how each behaves (STRIPE_NOTES.md, "Test
 * values"). Anything not listed behaves like a normal, working instrument.
 */
export type CardOutcome =
  | 'succeed'
  | 'charge_fail'
  | 'auth_required_always'
  | 'auth_required_unless_setup'
  | 'dispute_fraudulent'
  | 'refund_fail'
  | 'decline_generic'
  | 'decline_insufficient_funds'
  | 'decline_lost_card'
  | 'decline_stolen_card'
  | 'decline_expired'
  | 'decline_incorrect_cvc'
  | 'decline_processing_error';

export type BankOutcome =
  | 'succeed'
  | 'account_closed'
  | 'no_account'
  | 'insufficient_funds'
  | 'debit_not_authorized'
  | 'invalid_currency'
  | 'microdeposits_fail'
  | 'dispute'
  | 'processing_forever';

export type TestBehavior =
  | { kind: 'card'; outcome: CardOutcome }
  | { kind: 'us_bank_account'; outcome: BankOutcome; instant: boolean };

export interface TestCard {
  number: string;
  brand: 'visa' | 'mastercard' | 'amex' | 'discover';
  funding: 'credit' | 'debit';
  outcome: CardOutcome;
  tokens: string[];
}

export const TEST_CARDS: TestCard[] = [
  { number: '4242424242424242', brand: 'visa', funding: 'credit', outcome: 'succeed', tokens: ['pm_card_visa', 'tok_visa'] },
  { number: '4000056655665556', brand: 'visa', funding: 'debit', outcome: 'succeed', tokens: ['pm_card_visa_debit'] },
  { number: '5555555555554444', brand: 'mastercard', funding: 'credit', outcome: 'succeed', tokens: ['pm_card_mastercard'] },
  { number: '378282246310005', brand: 'amex', funding: 'credit', outcome: 'succeed', tokens: ['pm_card_amex'] },
  { number: '6011111111111117', brand: 'discover', funding: 'credit', outcome: 'succeed', tokens: ['pm_card_discover'] },
  { number: '4000002760003184', brand: 'visa', funding: 'credit', outcome: 'auth_required_always', tokens: ['pm_card_authenticationRequired'] },
  { number: '4000002500003155', brand: 'visa', funding: 'credit', outcome: 'auth_required_unless_setup', tokens: ['pm_card_authenticationRequiredSetupForOffSession'] },
  { number: '4000000000000341', brand: 'visa', funding: 'credit', outcome: 'charge_fail', tokens: ['pm_card_chargeCustomerFail'] },
  { number: '4000000000009995', brand: 'visa', funding: 'credit', outcome: 'decline_insufficient_funds', tokens: ['pm_card_visa_chargeDeclinedInsufficientFunds'] },
  { number: '4000000000000002', brand: 'visa', funding: 'credit', outcome: 'decline_generic', tokens: ['pm_card_visa_chargeDeclined', 'pm_card_chargeDeclined'] },
  { number: '4000000000009987', brand: 'visa', funding: 'credit', outcome: 'decline_lost_card', tokens: ['pm_card_visa_chargeDeclinedLostCard'] },
  { number: '4000000000009979', brand: 'visa', funding: 'credit', outcome: 'decline_stolen_card', tokens: ['pm_card_visa_chargeDeclinedStolenCard'] },
  { number: '4000000000000069', brand: 'visa', funding: 'credit', outcome: 'decline_expired', tokens: ['pm_card_chargeDeclinedExpiredCard'] },
  { number: '4000000000000127', brand: 'visa', funding: 'credit', outcome: 'decline_incorrect_cvc', tokens: ['pm_card_chargeDeclinedIncorrectCvc'] },
  { number: '4000000000000119', brand: 'visa', funding: 'credit', outcome: 'decline_processing_error', tokens: ['pm_card_chargeDeclinedProcessingError'] },
  { number: '4000000000000259', brand: 'visa', funding: 'credit', outcome: 'dispute_fraudulent', tokens: ['pm_card_createDispute'] },
  { number: '4000000000005126', brand: 'visa', funding: 'credit', outcome: 'refund_fail', tokens: ['pm_card_refundFail'] },
];

export interface CardDecline {
  code: string;
  decline_code: string;
  message: string;
}

export const CARD_DECLINES: Partial<Record<CardOutcome, CardDecline>> = {
  decline_generic: { code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.' },
  charge_fail: { code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.' },
  decline_insufficient_funds: { code: 'card_declined', decline_code: 'insufficient_funds', message: 'Your card has insufficient funds.' },
  decline_lost_card: { code: 'card_declined', decline_code: 'lost_card', message: 'Your card was declined.' },
  decline_stolen_card: { code: 'card_declined', decline_code: 'stolen_card', message: 'Your card was declined.' },
  decline_expired: { code: 'expired_card', decline_code: 'expired_card', message: 'Your card has expired.' },
  decline_incorrect_cvc: { code: 'incorrect_cvc', decline_code: 'incorrect_cvc', message: "Your card's security code is incorrect." },
  decline_processing_error: {
    code: 'processing_error',
    decline_code: 'processing_error',
    message: 'An error occurred while processing your card. Try again in a little bit.',
  },
};

/** Cards whose $0 validation fails: they cannot be attached or set up. */
export function declinesOnAttach(outcome: CardOutcome): boolean {
  return outcome !== 'charge_fail' && CARD_DECLINES[outcome] !== undefined;
}

export const AUTHENTICATION_REQUIRED: CardDecline = {
  code: 'authentication_required',
  decline_code: 'authentication_required',
  message: 'Your card was declined. This transaction requires authentication.',
};

export interface TestBankAccount {
  accountNumber: string;
  token: string;
  outcome: BankOutcome;
}

export const TEST_ROUTING_NUMBER = '110000000';

export const TEST_BANK_ACCOUNTS: TestBankAccount[] = [
  { accountNumber: '000123456789', token: 'pm_usBankAccount_success', outcome: 'succeed' },
  { accountNumber: '000111111113', token: 'pm_usBankAccount_accountClosed', outcome: 'account_closed' },
  { accountNumber: '000111111116', token: 'pm_usBankAccount_noAccount', outcome: 'no_account' },
  { accountNumber: '000222222227', token: 'pm_usBankAccount_insufficientFunds', outcome: 'insufficient_funds' },
  { accountNumber: '000333333335', token: 'pm_usBankAccount_debitNotAuthorized', outcome: 'debit_not_authorized' },
  { accountNumber: '000444444440', token: 'pm_usBankAccount_invalidCurrency', outcome: 'invalid_currency' },
  { accountNumber: '000666666661', token: 'pm_usBankAccount_failMicrodeposits', outcome: 'microdeposits_fail' },
  { accountNumber: '000555555559', token: 'pm_usBankAccount_dispute', outcome: 'dispute' },
  { accountNumber: '000000000009', token: 'pm_usBankAccount_processing', outcome: 'processing_forever' },
];

export const BANK_FAILURE_MESSAGES: Partial<Record<BankOutcome, string>> = {
  account_closed: "The customer's bank account has been closed.",
  no_account: "The customer's bank account could not be located.",
  insufficient_funds: "The customer's account has insufficient funds to cover this payment.",
  debit_not_authorized: 'The customer has notified their bank that this payment was unauthorized.',
  invalid_currency: "The bank was unable to process this payment because of its currency.",
};

export function luhnValid(number: string): boolean {
  let sum = 0;
  for (let i = 0; i < number.length; i++) {
    let d = Number(number[number.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return number.length >= 12 && sum % 10 === 0;
}

export function brandForNumber(number: string): TestCard['brand'] {
  if (/^3[47]/.test(number)) return 'amex';
  if (/^(5[1-5]|2[2-7])/.test(number)) return 'mastercard';
  if (/^6/.test(number)) return 'discover';
  return 'visa';
}
