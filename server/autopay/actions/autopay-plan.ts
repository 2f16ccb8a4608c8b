// What autopay will do next with one invoice, in the words a technician reads on the client and
// invoice pages: charge it on a date, retry it on a date, leave it alone (skipped, paused, off, above
// the maximum, nothing owed) or wait for a payment already in progress. It mirrors the selection in
// ../run-autopay.ts (selectDueInvoices): an invoice that plan() schedules for today or earlier is one
// that run selects once the MSP's daily run time has passed (test/integration/autopay-due-dates.test.ts
// checks the two agree at timezone and DST boundaries). Pure, apart from the loaders at the bottom.
import type { InstallationScope } from '../../db/tenant-scope';
import { localDate } from '../../installations/local-date';
import { pauseCauseOf, pauseReasonText } from '../../notifications/pause-autopay-for-method';
import { isCardExpired, paymentMethodLabel } from '../../payment-methods/payment-method-display';

/** Attempt statuses whose outcome is not final: the invoice is locked until they resolve. */
export const UNRESOLVED_ATTEMPT = ['pending', 'in_flight', 'unknown', 'processing'];
export const PAYABLE = ['open', 'partially_paid'];

export type InvoiceAutopayState =
  | 'scheduled'
  | 'retry_scheduled'
  | 'in_flight'
  | 'skipped'
  | 'stopped'
  | 'needs_authentication'
  | 'not_payable'
  | 'autopay_off'
  | 'paused'
  | 'no_method'
  | 'above_maximum';

export interface InvoicePlan {
  state: InvoiceAutopayState;
  /** The installation-local date autopay charges (or retries) it, when it will. */
  nextChargeOn: string | null;
  /** One sentence for the technician. */
  note: string;
}

export interface MethodFacts {
  id: string;
  type: 'card' | 'us_bank_account';
  status: string;
  mandate_status: string | null;
  stripe_payment_method_id: string | null;
  mandate_id: string | null;
  brand: string | null;
  bank_name: string | null;
  last4: string | null;
  exp_month: number | null;
  exp_year: number | null;
}

export interface ClientFacts {
  id: string;
  name: string;
  enabled: boolean;
  pausedReason: string | null;
  mapped: boolean;
  stripeCustomerId: string | null;
  method: (MethodFacts & { label: string; problem: string | null }) | null;
}

export interface PlanSettings {
  timezone: string;
  runAt: string;
  maxAmount: number | null;
}

export interface PlanInvoice {
  status: string;
  amount_remaining: number;
  due_date: string;
  autopay_skipped_at: Date | null;
}

export interface PlanAttempt {
  status: string;
  next_retry_at: Date | null;
  failure_code?: string | null;
  decline_code?: string | null;
}

/** Why a method cannot carry autopay now, in a sentence, or null when it can. */
export function methodProblem(m: MethodFacts, now: Date): string | null {
  const label = paymentMethodLabel(m);
  const cause = pauseCauseOf(m);
  if (cause) {
    const text = pauseReasonText(cause, label);
    return text.charAt(0).toUpperCase() + text.slice(1);
  }
  if (m.status !== 'active' || !m.stripe_payment_method_id) return `${label} is not verified yet, so it cannot be charged.`;
  if (m.type === 'card' && isCardExpired(m, now)) return `${label} has expired, so it cannot be charged.`;
  return null;
}

/** HH:MM (24 h) at `now` in a timezone. */
export function localTime(now: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(now);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '00';
  return `${get('hour')}:${get('minute')}`;
}

const later = (a: string, b: string) => (a > b ? a : b);

export function planInvoice(p: { invoice: PlanInvoice; client: ClientFacts; attempts: readonly PlanAttempt[]; paymentPending: boolean; settings: PlanSettings; now: Date }): InvoicePlan {
  const { invoice, client, settings, now } = p;
  const none = (state: InvoiceAutopayState, note: string): InvoicePlan => ({ state, nextChargeOn: null, note });
  const last = p.attempts[p.attempts.length - 1];
  // An off-session charge that needs the cardholder stays open (so the portal can complete it):
  // its payment is still pending, but nothing is in progress until the client acts.
  const authentication =
    last !== undefined &&
    (last.status === 'requires_action' || (last.status === 'failed' && (last.failure_code === 'authentication_required' || last.decline_code === 'authentication_required')));
  if (authentication && !last.next_retry_at && PAYABLE.includes(invoice.status) && invoice.amount_remaining > 0) {
    return none('needs_authentication', 'The cardholder must confirm the payment in the billing portal; autopay does not retry it.');
  }
  const inFlight = invoice.status === 'processing' || p.paymentPending || (last !== undefined && UNRESOLVED_ATTEMPT.includes(last.status));
  if (inFlight && invoice.status !== 'paid' && invoice.status !== 'void') return none('in_flight', 'A payment for this invoice is in progress; autopay waits for its outcome.');
  if (!PAYABLE.includes(invoice.status) || invoice.amount_remaining <= 0) return none('not_payable', invoice.status === 'void' ? 'This invoice was voided.' : 'Nothing is owed on this invoice.');
  if (invoice.autopay_skipped_at) return none('skipped', 'A technician told autopay to skip this invoice.');
  if (!client.enabled) return none('autopay_off', 'Autopay is off for this client.');
  if (client.pausedReason) return none('paused', `Autopay is paused: ${client.pausedReason}`);
  if (!client.mapped) return none('no_method', 'This client is not linked to a Stripe customer.');
  if (!client.method) return none('no_method', 'No payment method is set for autopay.');
  if (client.method.problem) return none('no_method', client.method.problem);
  if (settings.maxAmount !== null && invoice.amount_remaining > settings.maxAmount) return none('above_maximum', 'Above the maximum amount autopay may charge; the client pays it themselves.');

  const today = localDate(now, settings.timezone);
  // Due today is charged at the daily run time; anything earlier at the next run.
  const dueOn = later(invoice.due_date, today);
  if (last && (last.status === 'failed' || last.status === 'requires_action')) {
    if (!last.next_retry_at) return none('stopped', 'Autopay stopped after the last decline; ask the client for another card or bank account, or charge now.');
    const retryOn = later(localDate(last.next_retry_at, settings.timezone), dueOn);
    return { state: 'retry_scheduled', nextChargeOn: retryOn, note: `Autopay tries again on ${retryOn}.` };
  }
  const runPassed = localTime(now, settings.timezone) >= settings.runAt;
  const note =
    dueOn > today
      ? `Autopay charges it on its due date, ${dueOn}, after ${settings.runAt}.`
      : invoice.due_date < today
        ? 'Past due: autopay charges it at the next run.'
        : runPassed
          ? 'Due today: autopay charges it at the next run.'
          : `Due today: autopay charges it after ${settings.runAt}.`;
  return { state: 'scheduled', nextChargeOn: dueOn, note };
}

/** The client's autopay switch, pause, and the method carrying it (null when none). 404s are the caller's. */
export async function loadClientFacts(scope: InstallationScope, clientId: string, now: Date): Promise<ClientFacts | null> {
  const client = (await scope
    .from('clients')
    .where({ id: clientId })
    .first('id', 'name', 'autopay_enabled', 'autopay_paused_reason', 'autopay_payment_method_id', 'mapping_status', 'stripe_customer_id')) as
    | { id: string; name: string; autopay_enabled: boolean; autopay_paused_reason: string | null; autopay_payment_method_id: string | null; mapping_status: string; stripe_customer_id: string | null }
    | undefined;
  if (!client) return null;
  const method = client.autopay_payment_method_id
    ? ((await scope
        .from('payment_methods')
        .where({ id: client.autopay_payment_method_id })
        .first('id', 'type', 'status', 'mandate_status', 'stripe_payment_method_id', 'mandate_id', 'brand', 'bank_name', 'last4', 'exp_month', 'exp_year')) as MethodFacts | undefined)
    : undefined;
  return {
    id: client.id,
    name: client.name,
    enabled: client.autopay_enabled,
    pausedReason: client.autopay_paused_reason,
    mapped: client.mapping_status === 'mapped' && client.stripe_customer_id !== null,
    stripeCustomerId: client.stripe_customer_id,
    method: method ? { ...method, label: paymentMethodLabel(method), problem: methodProblem(method, now) } : null,
  };
}

/** Invoices (of `ids`) with a payment in progress that is not an autopay attempt (portal, link). */
export async function invoicesWithPendingPayment(scope: InstallationScope, ids: readonly string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = (await scope.from('allocations').whereIn('invoice_id', ids).where('state', 'pending').distinct('invoice_id')) as Array<{ invoice_id: string }>;
  return new Set(rows.map((r) => r.invoice_id));
}
