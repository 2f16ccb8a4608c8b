// The notification emails of autopay and disputes (issue 6), in plain words. Pure, like templates.ts:
// raw values in, { subject, text, html, kind } out; the layout escapes. `kind: 'notification'` marks
// mail a recipient may unsubscribe from (pass `unsubscribeUrl`); everything else here is essential.
import { formatMoney } from '../money/money';
import { renderEmail } from './email-layout';
import { formatDate, listInvoices, oneLine, type EmailContent } from './templates';

interface ChargeFacts {
  mspName: string;
  clientName: string;
  invoiceNumber: string;
  /** Integer minor units. */
  amount: number;
  currency: string;
  /** "Visa •••• 4242", "STRIPE TEST BANK •••• 6789". */
  methodLabel: string;
}

/** A calendar date ('YYYY-MM-DD') in words, read as that day wherever the reader is. */
const formatDay = (day: string) => formatDate(new Date(`${day}T12:00:00Z`), 'UTC');

export function upcomingAutopayEmail(v: ChargeFacts & { chargeDate: string; autopayUrl: string; unsubscribeUrl?: string | undefined }): EmailContent {
  const amount = formatMoney(v.amount, v.currency);
  const day = formatDay(v.chargeDate);
  const rendered = renderEmail({
    mspName: v.mspName,
    preheader: `${amount} for invoice ${v.invoiceNumber} will be charged to ${v.methodLabel} on ${day}.`,
    heading: `Upcoming automatic payment: ${amount}`,
    paragraphs: [
      `${v.mspName} will charge ${amount} for invoice ${v.invoiceNumber} to ${v.methodLabel} on ${day}, as ${v.clientName} set up with autopay.`,
      'There is nothing you need to do. To use a different card or bank account, or to turn autopay off, go to Autopay in the billing portal before that day.',
    ],
    action: { label: 'Review autopay', url: v.autopayUrl },
    footerNote: `You get this notice because ${v.clientName} pays ${v.mspName} automatically.`,
    ...(v.unsubscribeUrl ? { unsubscribeUrl: v.unsubscribeUrl } : {}),
  });
  return { subject: oneLine(`${amount} will be charged on ${day} for invoice ${v.invoiceNumber}`), kind: 'notification', ...rendered };
}

export function autopayFailedEmail(
  v: ChargeFacts & { reason: string; nextStep: string; retryAt: Date | null; timezone: string; updateMethodUrl: string; invoiceUrl: string },
): EmailContent {
  const amount = formatMoney(v.amount, v.currency);
  const then = v.retryAt
    ? `We will try ${v.methodLabel} again on ${formatDate(v.retryAt, v.timezone)}. To avoid another failure, fix the problem before then or choose another payment method.`
    : `We will not try ${v.methodLabel} again automatically. Please update your payment method or pay the invoice yourself so it does not stay unpaid.`;
  const rendered = renderEmail({
    mspName: v.mspName,
    preheader: `The automatic payment of ${amount} for invoice ${v.invoiceNumber} did not go through. Nothing was charged.`,
    heading: 'Your automatic payment did not go through',
    paragraphs: [
      `The automatic payment of ${amount} to ${v.mspName} for invoice ${v.invoiceNumber} with ${v.methodLabel} did not go through, so the invoice is still unpaid. Nothing was charged.`,
      `Why: ${v.reason}`,
      `What to do next: ${v.nextStep}`,
      then,
      `To pay invoice ${v.invoiceNumber} now instead: ${v.invoiceUrl}`,
    ],
    action: { label: 'Update payment method', url: v.updateMethodUrl },
  });
  return { subject: oneLine(`Action needed: automatic payment for invoice ${v.invoiceNumber} failed`), kind: 'transactional', ...rendered };
}

export function authenticationNeededEmail(v: ChargeFacts & { authenticateUrl: string }): EmailContent {
  const amount = formatMoney(v.amount, v.currency);
  const rendered = renderEmail({
    mspName: v.mspName,
    preheader: `Your bank wants you to confirm the payment of ${amount} for invoice ${v.invoiceNumber}.`,
    heading: 'Please confirm your payment',
    paragraphs: [
      `We tried to charge ${amount} for invoice ${v.invoiceNumber} to ${v.methodLabel} automatically, but the card's bank wants you to confirm this payment yourself (for example with a code sent to your phone). Nothing has been charged yet.`,
      'Open the link, sign in to the billing portal and confirm the payment. It takes a minute.',
    ],
    action: { label: 'Confirm payment', url: v.authenticateUrl },
    footerNote: 'We will not try this card again automatically for this invoice until you confirm.',
  });
  return { subject: oneLine(`Confirm your payment of ${amount} to ${v.mspName}`), kind: 'transactional', ...rendered };
}

export function autopayPausedEmail(v: { mspName: string; clientName: string; methodLabel: string; reason: string; autopayUrl: string }): EmailContent {
  const rendered = renderEmail({
    mspName: v.mspName,
    preheader: `Autopay is paused: ${v.reason}`,
    heading: 'Autopay is paused',
    paragraphs: [
      `Automatic payments from ${v.clientName} to ${v.mspName} are paused: ${v.reason}`,
      `Nothing will be charged automatically until you choose another verified card or bank account for autopay. Until then, please pay your invoices in the billing portal.`,
    ],
    action: { label: 'Choose a payment method', url: v.autopayUrl },
  });
  return { subject: oneLine(`Autopay to ${v.mspName} is paused: action needed`), kind: 'transactional', ...rendered };
}

export function finalFailureStaffEmail(v: ChargeFacts & { reason: string; attempts: number; awaitingClient: boolean; clientUrl: string }): EmailContent {
  const amount = formatMoney(v.amount, v.currency);
  const rendered = renderEmail({
    mspName: v.mspName,
    preheader: `Autopay gave up on invoice ${v.invoiceNumber} (${v.clientName}, ${amount}).`,
    heading: `Autopay stopped for invoice ${v.invoiceNumber}`,
    paragraphs: [
      `The automatic payment of ${amount} from ${v.clientName} for invoice ${v.invoiceNumber} with ${v.methodLabel} failed${v.attempts > 1 ? ` after ${v.attempts} attempts` : ''}, and no more retries are scheduled.`,
      `Why: ${v.reason}`,
      v.awaitingClient
        ? 'The client was emailed a link to confirm the payment with their bank; it stays unpaid until they do.'
        : 'The client was emailed the reason and asked to update their payment method. You can follow up, or charge again from the client page once they have.',
    ],
    action: { label: 'Open the client', url: v.clientUrl },
  });
  return { subject: oneLine(`Autopay failed for good: ${v.clientName}, invoice ${v.invoiceNumber} (${amount})`), kind: 'transactional', ...rendered };
}

const DISPUTE_REASONS: Record<string, string> = {
  fraudulent: 'the cardholder says they did not make this payment',
  duplicate: 'the customer says they were charged twice',
  product_not_received: 'the customer says they did not receive what they paid for',
  product_unacceptable: 'the customer says what they received was not acceptable',
  subscription_canceled: 'the customer says they had canceled',
  unrecognized: 'the customer does not recognize the payment',
  credit_not_processed: 'the customer says a refund or credit was promised but not given',
  insufficient_funds: 'the bank returned the debit: not enough funds',
  incorrect_account_details: 'the bank returned the debit: the account details are wrong',
  bank_cannot_process: 'the bank could not process the debit',
  debit_not_authorized: 'the account holder told their bank the debit was not authorized',
  customer_initiated: 'the customer asked their bank to reverse the payment',
};

export function disputeStaffEmail(
  v: { mspName: string; clientName: string; amount: number; currency: string; reason: string | null; invoiceNumbers: readonly string[]; evidenceDueBy: Date | null; timezone: string; clientUrl: string },
): EmailContent {
  const amount = formatMoney(v.amount, v.currency);
  const why = (v.reason && DISPUTE_REASONS[v.reason]) ?? (v.reason ? `reason given: ${v.reason.replace(/_/g, ' ')}` : 'no reason was given');
  const rendered = renderEmail({
    mspName: v.mspName,
    preheader: `${v.clientName} disputed ${amount}.${v.evidenceDueBy ? ` Evidence is due ${formatDate(v.evidenceDueBy, v.timezone)}.` : ''}`,
    heading: `Payment disputed: ${amount} from ${v.clientName}`,
    paragraphs: [
      `A payment of ${amount} from ${v.clientName}${v.invoiceNumbers.length ? ` for ${listInvoices(v.invoiceNumbers)}` : ''} was disputed: ${why}.`,
      v.evidenceDueBy
        ? `Respond with evidence in your Stripe Dashboard by ${formatDate(v.evidenceDueBy, v.timezone)}. If you do nothing, the dispute is lost and the money stays with the customer.`
        : 'This kind of dispute cannot be challenged with evidence; the money has been returned to the customer. Contact the client to arrange payment.',
    ],
    action: { label: 'Open the client', url: v.clientUrl },
  });
  return { subject: oneLine(`Dispute: ${amount} from ${v.clientName}${v.evidenceDueBy ? ` — evidence due ${formatDate(v.evidenceDueBy, v.timezone)}` : ''}`), kind: 'transactional', ...rendered };
}
