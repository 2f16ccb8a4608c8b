// The words a client agrees to. Both name the MSP (the business that debits or charges), and the
// exact text shown is what gets recorded with the time, IP and user agent of the acceptance.
import { formatMoney } from '../money/money';

/** ACH Direct Debit authorization (Stripe's recommended mandate wording for saved bank accounts). */
export function achMandateText(mspName: string): string {
  return (
    `By saving your bank account details, you authorize ${mspName} to debit your bank account for ` +
    `any amount owed for charges arising from your use of ${mspName}'s services and/or purchase of products ` +
    `from ${mspName}, pursuant to ${mspName}'s terms, until this authorization is revoked. ` +
    `If you use ${mspName}'s services or purchase additional products periodically pursuant to ${mspName}'s terms, ` +
    `you authorize ${mspName} to debit your bank account periodically. Payments that fall outside of the regular ` +
    `debits authorized above will only be debited after your authorization is obtained. You may amend or cancel ` +
    `this authorization at any time by removing the bank account in this portal or by notifying ${mspName} ` +
    `with 30 (thirty) days notice.`
  );
}

/** Autopay authorization; mentions the MSP's per-invoice limit when there is one. */
export function autopayConsentText(mspName: string, maxAmount: number | null, currency: string): string {
  const limit =
    maxAmount === null
      ? ''
      : ` Invoices above ${formatMoney(maxAmount, currency)} are never charged automatically; you pay those yourself.`;
  return (
    `I authorize ${mspName} to charge the payment method I selected, on or after each invoice's due date, ` +
    `for the amount remaining on every invoice ${mspName} issues to my organization, until I turn autopay off ` +
    `in this portal.${limit} ${mspName} will not charge an invoice whose payment is already in progress, and ` +
    `bank debits can take up to 4 business days to complete.`
  );
}
