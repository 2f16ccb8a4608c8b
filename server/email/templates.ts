// The emails Settle sends, in plain words. Each template is pure: values in, { subject, text, html,
// kind } out (pass the result with a dedupe key to enqueueEmail). Values are raw — the layout
// escapes them. Amounts are integer minor units, formatted with Intl.NumberFormat.
import { formatMoney } from '../money/money';
import { renderEmail, type RenderedEmail } from './email-layout';
import type { EmailKind } from './enqueue-email';

export interface EmailContent extends RenderedEmail {
  subject: string;
  kind: EmailKind;
}

/** Subjects are one line; names typed into a PSA could carry anything. */
export const oneLine = (s: string) => s.replace(/[\r\n\t]+/g, ' ').replace(/\s{2,}/g, ' ').trim();

export const listInvoices = (numbers: readonly string[]): string => {
  const shown = numbers.slice(0, 10);
  const list = new Intl.ListFormat('en', { style: 'long', type: 'conjunction' }).format(shown);
  const more = numbers.length - shown.length;
  const label = numbers.length === 1 ? 'invoice' : 'invoices';
  return `${label} ${list}${more > 0 ? ` and ${more} more` : ''}`;
};

export const formatDate = (at: Date, timeZone: string) =>
  new Intl.DateTimeFormat('en-US', { dateStyle: 'full', timeZone }).format(at);

// --- Portal access --------------------------------------------------------------------------

export function portalInviteEmail(v: { mspName: string; clientName: string; inviteeName: string; inviteUrl: string; expiresInDays: number }): EmailContent {
  const rendered = renderEmail({
    mspName: v.mspName,
    preheader: `Set a password to see and pay ${v.clientName}'s invoices online.`,
    heading: `You're invited to ${v.mspName}'s billing portal`,
    paragraphs: [
      `Hello ${v.inviteeName},`,
      `${v.mspName} has given you access to the billing portal for ${v.clientName}. There you can see your invoices, pay them by card or bank account, and download receipts.`,
      'Choose a password to finish setting up your access.',
    ],
    action: { label: 'Set your password', url: v.inviteUrl },
    footerNote: `This link works once and expires in ${v.expiresInDays} days. If you did not expect this email, you can ignore it.`,
  });
  return { subject: oneLine(`${v.mspName} invited you to pay invoices online`), kind: 'transactional', ...rendered };
}

export function passwordResetEmail(v: { mspName: string; name: string; resetUrl: string; expiresInMinutes: number }): EmailContent {
  const expires = v.expiresInMinutes % 60 === 0 ? `${v.expiresInMinutes / 60} hour${v.expiresInMinutes === 60 ? '' : 's'}` : `${v.expiresInMinutes} minutes`;
  const rendered = renderEmail({
    mspName: v.mspName,
    preheader: `Reset your password for ${v.mspName}'s billing portal.`,
    heading: 'Reset your password',
    paragraphs: [`Hello ${v.name},`, `Someone asked to reset the password of your account on ${v.mspName}'s billing portal. If it was you, choose a new password:`],
    action: { label: 'Choose a new password', url: v.resetUrl },
    footerNote: `This link works once and expires in ${expires}. If you did not ask for this, ignore this email: your password stays the same.`,
  });
  return { subject: oneLine(`Reset your ${v.mspName} portal password`), kind: 'transactional', ...rendered };
}

// --- Payments -------------------------------------------------------------------------------

export interface PaymentEmailValues {
  mspName: string;
  clientName: string;
  /** Integer minor units. */
  amount: number;
  currency: string;
  /** "Visa •••• 4242", "STRIPE TEST BANK •••• 6789". */
  methodLabel: string;
  invoiceNumbers: readonly string[];
}

export function paymentReceiptEmail(v: PaymentEmailValues & { receiptUrl: string }): EmailContent {
  const amount = formatMoney(v.amount, v.currency);
  const rendered = renderEmail({
    mspName: v.mspName,
    preheader: `${amount} received for ${listInvoices(v.invoiceNumbers)}.`,
    heading: `Payment received: ${amount}`,
    paragraphs: [
      `Thank you. ${v.mspName} received ${amount} from ${v.clientName} for ${listInvoices(v.invoiceNumbers)}.`,
      `Paid with ${v.methodLabel}.`,
      'Your receipt is in the billing portal; you can print it or save it as a PDF from there.',
    ],
    action: { label: 'View your receipt', url: v.receiptUrl },
  });
  return { subject: oneLine(`Receipt: ${amount} paid to ${v.mspName}`), kind: 'transactional', ...rendered };
}

export function paymentFailedEmail(v: PaymentEmailValues & { reason: string; nextStep?: string; paymentUrl: string }): EmailContent {
  const amount = formatMoney(v.amount, v.currency);
  const rendered = renderEmail({
    mspName: v.mspName,
    preheader: `Your payment of ${amount} did not go through. Nothing was charged.`,
    heading: 'Your payment did not go through',
    paragraphs: [
      `Your payment of ${amount} to ${v.mspName} for ${listInvoices(v.invoiceNumbers)} with ${v.methodLabel} did not go through, so ${listInvoices(v.invoiceNumbers)} ${v.invoiceNumbers.length === 1 ? 'is' : 'are'} still unpaid.`,
      `Why: ${v.reason}`,
      `What to do next: ${v.nextStep ?? 'Try again with another card or bank account, or contact your bank if the problem continues.'}`,
    ],
    action: { label: 'Pay again', url: v.paymentUrl },
  });
  return { subject: oneLine(`Payment to ${v.mspName} did not go through`), kind: 'transactional', ...rendered };
}

export function achProcessingEmail(v: PaymentEmailValues & { paymentUrl: string }): EmailContent {
  const amount = formatMoney(v.amount, v.currency);
  const rendered = renderEmail({
    mspName: v.mspName,
    preheader: `Your bank payment of ${amount} is on its way. Bank payments usually take 4 business days.`,
    heading: 'Your bank payment is processing',
    paragraphs: [
      `We started your bank payment of ${amount} from ${v.methodLabel} to ${v.mspName} for ${listInvoices(v.invoiceNumbers)}.`,
      'Bank payments usually take 4 business days to complete. There is nothing more you need to do.',
      'We will email your receipt when the payment has cleared. If your bank returns it, we will tell you what happened and what to do next.',
    ],
    action: { label: 'See payment status', url: v.paymentUrl },
  });
  return { subject: oneLine(`Bank payment of ${amount} to ${v.mspName} is processing`), kind: 'transactional', ...rendered };
}

export function verificationReminderEmail(v: {
  mspName: string;
  clientName: string;
  /** "STRIPE TEST BANK •••• 6789". */
  bankLabel: string;
  deadline: Date;
  /** IANA zone the deadline is shown in (the installation's). */
  timezone: string;
  verifyUrl: string;
  unsubscribeUrl?: string;
}): EmailContent {
  const deadline = formatDate(v.deadline, v.timezone);
  const rendered = renderEmail({
    mspName: v.mspName,
    preheader: `Confirm the two small deposits in ${v.bankLabel} by ${deadline}.`,
    heading: 'Verify your bank account',
    paragraphs: [
      `To use ${v.bankLabel} for payments to ${v.mspName}, confirm the small deposits we sent to it. They show on your bank statement as two amounts under one dollar, or as one deposit with a 6-character code starting with SM.`,
      `Verify by ${deadline}. After that the verification expires and you will need to add the bank account again.`,
    ],
    action: { label: 'Verify bank account', url: v.verifyUrl },
    footerNote: `You get this reminder because ${v.clientName} added a bank account that is not verified yet.`,
    ...(v.unsubscribeUrl ? { unsubscribeUrl: v.unsubscribeUrl } : {}),
  });
  return { subject: oneLine(`Reminder: verify your bank account by ${deadline}`), kind: 'notification', ...rendered };
}
