// Emails the ledger sends to the MSP's own staff. Pure templates (values in, content out), in the
// same layout as every Settle email; enqueue them with enqueueEmail and a dedupe key.
import { renderEmail } from '../email/email-layout';
import type { EmailContent } from '../email/templates';
import { formatMoney } from '../money/money';

const oneLine = (s: string) => s.replace(/[\r\n\t]+/g, ' ').replace(/\s{2,}/g, ' ').trim();

export interface DisputeLostValues {
  mspName: string;
  clientName: string;
  amount: number;
  currency: string;
  reason: string | null;
  /** Invoices that were reopened because the money was taken back. */
  invoiceNumbers: readonly string[];
  /** ACH: the bank debit authorization is void and autopay was paused. */
  achAutopayPaused: boolean;
  paymentUrl: string;
}

export function disputeLostEmail(v: DisputeLostValues): EmailContent {
  const amount = formatMoney(v.amount, v.currency);
  const reopened = v.invoiceNumbers.length
    ? `Settle reopened ${v.invoiceNumbers.length === 1 ? 'invoice' : 'invoices'} ${v.invoiceNumbers.join(', ')}, so ${v.invoiceNumbers.length === 1 ? 'it shows' : 'they show'} as owed again, and told your PSA.`
    : 'No invoice had this money applied, so nothing was reopened.';
  const paragraphs = [
    `${v.clientName} disputed a payment of ${amount}${v.reason ? ` (reason given: ${v.reason.replace(/_/g, ' ')})` : ''}, and the dispute was lost: the money has been taken back from your Stripe balance.`,
    reopened,
  ];
  if (v.achAutopayPaused) {
    paragraphs.push(`This was a bank (ACH) payment. The client's bank debit authorization is no longer valid, so Settle paused autopay for ${v.clientName} until they add a payment method again.`);
  }
  const rendered = renderEmail({
    mspName: v.mspName,
    preheader: `A ${amount} payment from ${v.clientName} was taken back after a dispute.`,
    heading: `Dispute lost: ${amount} from ${v.clientName}`,
    paragraphs,
    action: { label: 'Open the payment in Settle', url: v.paymentUrl },
    footerNote: 'You get this email because you are a technician or admin of this Settle account.',
  });
  return { subject: oneLine(`Dispute lost: ${amount} from ${v.clientName}`), kind: 'notification', ...rendered };
}
