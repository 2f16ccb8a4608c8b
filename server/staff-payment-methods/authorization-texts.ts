// The words a technician confirms when entering a card or bank account on a client's behalf. The
// client gave the authorization outside Settle (on the phone, in person, by email or on a signed
// form); the technician confirms it, and the exact text, its version and the channel are recorded
// with the method. For a bank account this is the ACH debit authorization Stripe receives as an
// offline mandate acceptance. A change of wording must bump the version.
import type { PaymentMethodType } from '../portal-payment-methods/payment-method-view';

/** How the client gave the authorization (the migration's check constraint lists the same values). */
export const AUTHORIZATION_CHANNELS = ['phone', 'in_person', 'email', 'paper'] as const;
export type AuthorizationChannel = (typeof AUTHORIZATION_CHANNELS)[number];

export const STAFF_AUTHORIZATION_VERSION = 'staff-entry-2026-12';

/** "by phone", as in "client authorized by phone". */
export const CHANNEL_WORDS: Record<AuthorizationChannel, string> = {
  phone: 'by phone',
  in_person: 'in person',
  email: 'by email',
  paper: 'on a signed form',
};

export function staffAuthorizationText(type: PaymentMethodType, mspName: string, clientName: string): string {
  if (type === 'card') {
    return (
      `${clientName} authorizes ${mspName} to save this card with ${mspName}'s payment processor and to charge it for ` +
      `invoices ${mspName} issues to ${clientName}: when ${clientName} asks for a payment, and automatically on or after ` +
      `each invoice's due date only if ${clientName} turns autopay on. This authorization lasts until ${clientName} ` +
      `removes the card in ${mspName}'s billing portal or asks ${mspName} to remove it.`
    );
  }
  return (
    `${clientName} authorizes ${mspName} to debit the bank account entered here for any amount owed for charges arising ` +
    `from ${clientName}'s use of ${mspName}'s services and/or purchase of products from ${mspName}, pursuant to ` +
    `${mspName}'s terms, until this authorization is revoked. If ${clientName} uses ${mspName}'s services or purchases ` +
    `additional products periodically pursuant to ${mspName}'s terms, ${clientName} authorizes ${mspName} to debit the ` +
    `bank account periodically. Payments that fall outside of the regular debits authorized above will only be debited ` +
    `after ${clientName}'s authorization is obtained. ${clientName} may amend or cancel this authorization at any time by ` +
    `removing the bank account in ${mspName}'s billing portal or by notifying ${mspName} with 30 (thirty) days notice.`
  );
}

/** Autopay turned on by a technician for the client (the portal's own wording is first-person). */
export function staffAutopayText(mspName: string, clientName: string, limit: string | null): string {
  return (
    `${clientName} authorizes ${mspName} to charge the payment method chosen here, on or after each invoice's due date, ` +
    `for the amount remaining on every invoice ${mspName} issues to ${clientName}, until ${clientName} turns autopay off ` +
    `in ${mspName}'s billing portal or asks ${mspName} to.${limit ? ` Invoices above ${limit} are never charged automatically.` : ''} ` +
    `Bank debits can take up to 4 business days to complete.`
  );
}
