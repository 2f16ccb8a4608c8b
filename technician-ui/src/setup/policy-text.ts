import { formatMoney } from '../../../ui-kit/money';
import type { InstallationSettingsView } from './types';

/** `[3, 5, 7]` → `3, 5 and 7`. */
export function listInWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** Reads `3, 5, 7` (commas or spaces) into days; `null` when it is not a list of whole numbers. */
export function parseRetryDays(text: string): number[] | null {
  const parts = text.split(/[\s,]+/).filter(Boolean);
  if (!parts.every((part) => /^\d{1,3}$/.test(part))) return null;
  return parts.map(Number);
}

/** Why a retry schedule is not acceptable, or `null` when it is. Mirrors the server's rules. */
export function retryScheduleProblem(days: number[]): string | null {
  if (days.length > 8) return 'Use at most 8 retries.';
  if (days.some((d) => d < 1 || d > 60)) return 'Each retry must be between 1 and 60 days after the first failure.';
  if (days.some((d, i) => i > 0 && d <= days[i - 1]!)) return 'Days must go up, e.g. 3, 5, 7.';
  return null;
}

export function methodsInWords(methods: InstallationSettingsView['paymentMethods']): string {
  if (methods.card && methods.usBankAccount) return 'Cards and ACH Direct Debit (US bank accounts)';
  if (methods.card) return 'Cards only';
  if (methods.usBankAccount) return 'ACH Direct Debit (US bank accounts) only';
  return 'None';
}

/** The autopay policy as sentences, e.g. for the wizard's summary. */
export function autopayInWords(settings: InstallationSettingsView): string[] {
  const { autopay, currency, timezone } = settings;
  const sentences = [`Autopay charges invoices on their due date, in a daily run at ${autopay.runAt} (${timezone.replace(/_/g, ' ')} time).`];
  sentences.push(
    autopay.retryScheduleDays.length === 0
      ? 'Declined payments are not retried automatically.'
      : `A soft decline is retried ${listInWords(autopay.retryScheduleDays.map(String))} days after the first failure.`,
  );
  if (settings.paymentMethods.usBankAccount) {
    sentences.push(
      autopay.achMaxRetries === 0
        ? 'A failed ACH debit is not retried.'
        : `A failed ACH debit is retried at most ${autopay.achMaxRetries === 1 ? 'once' : `${autopay.achMaxRetries} times`}.`,
    );
  }
  sentences.push(
    autopay.maxAmount === null
      ? 'There is no maximum: every invoice of a client with autopay on is charged.'
      : `Invoices over ${formatMoney(autopay.maxAmount, currency)} are never charged automatically.`,
  );
  return sentences;
}

export function toleranceInWords(settings: InstallationSettingsView): string {
  return settings.underpaymentTolerance === 0
    ? 'No tolerance: an invoice is paid only when paid in full.'
    : `A payment up to ${formatMoney(settings.underpaymentTolerance, settings.currency)} short can be accepted as paying the invoice in full.`;
}
