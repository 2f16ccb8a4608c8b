// What technicians see of autopay (read-only):
// - per client: on / off / paused (why, since when, by whom), the method carrying it and whether it
//   can be charged, the MSP's schedule, and each owed invoice with what autopay will do and when;
// - per invoice: its plan, the actions a technician may take now, and the timeline of attempts —
//   when, how (autopay or charge now), which method, how much, the outcome, the decline in plain
//   words, whether it retries (and when) or stopped.
import type { InstallationScope } from '../../db/tenant-scope';
import { AppError } from '../../http/app-error';
import type { AppContext } from '../../http/context';
import { getInstallationSettings } from '../../installations/installation-settings';
import { paymentMethodLabel } from '../../payment-methods/payment-method-display';
import { explainFailure } from '../../payments/failure-reasons';
import { classifyDecline, type DeclineKind } from '../decline-policy';
import { invoicesWithPendingPayment, loadClientFacts, PAYABLE, planInvoice, type ClientFacts, type InvoicePlan, type PlanAttempt, type PlanSettings } from './autopay-plan';

export interface AutopayScheduleView {
  timezone: string;
  runAt: string;
  maxAmount: number | null;
  retryScheduleDays: number[];
  achMaxRetries: number;
}

export interface UpcomingChargeView extends InvoicePlan {
  invoiceId: string;
  number: string;
  dueDate: string;
  amountRemaining: number;
  currency: string;
}

export interface ClientAutopayView {
  clientId: string;
  /** on: autopay charges due invoices; paused/off: it does not; not_ready: on, but nothing it can charge with. */
  state: 'on' | 'off' | 'paused' | 'not_ready';
  enabled: boolean;
  pause: { reason: string; pausedAt: string | null; pausedBy: string | null; byTechnician: boolean } | null;
  method: { id: string; label: string; type: 'card' | 'us_bank_account'; usable: boolean; problem: string | null } | null;
  schedule: AutopayScheduleView;
  upcoming: UpcomingChargeView[];
}

export interface AttemptView {
  id: string;
  attemptNo: number;
  trigger: 'autopay' | 'charge_now';
  startedAt: string;
  updatedAt: string;
  method: string | null;
  amount: number;
  currency: string;
  outcome: string;
  failureCode: string | null;
  declineCode: string | null;
  declineKind: DeclineKind | null;
  /** The decline in plain words (null unless it failed or needs authentication). */
  reason: string | null;
  nextRetryAt: string | null;
  /** What happens next, in a sentence. */
  next: string;
  paymentId: string | null;
}

export interface InvoiceAutopayView {
  invoice: { id: string; number: string; clientId: string; status: string; amountRemaining: number; currency: string; dueDate: string };
  skipped: { at: string; by: string | null; reason: string | null } | null;
  /** The client's autopay method (what charge now charges). */
  method: string | null;
  plan: InvoicePlan;
  actions: { chargeNow: { allowed: boolean; reason: string | null }; skip: boolean; unskip: boolean };
  attempts: AttemptView[];
}

async function scheduleOf(scope: InstallationScope): Promise<AutopayScheduleView & PlanSettings> {
  const s = await getInstallationSettings(scope);
  return { timezone: s.timezone, runAt: s.autopay.runAt, maxAmount: s.autopay.maxAmount, retryScheduleDays: [...s.autopay.retryScheduleDays], achMaxRetries: s.autopay.achMaxRetries };
}

export interface InvoiceRow {
  id: string;
  number: string;
  client_id: string;
  status: string;
  amount_remaining: number;
  currency: string;
  due_date: string;
  autopay_skipped_at: Date | null;
  autopay_skipped_by: string | null;
  autopay_skip_reason: string | null;
}
const INVOICE_FIELDS = ['id', 'number', 'client_id', 'status', 'amount_remaining', 'currency', 'due_date', 'autopay_skipped_at', 'autopay_skipped_by', 'autopay_skip_reason'];

async function attemptsByInvoice(scope: InstallationScope, ids: readonly string[]): Promise<Map<string, PlanAttempt[]>> {
  const out = new Map<string, PlanAttempt[]>();
  if (!ids.length) return out;
  const rows = (await scope.from('charge_attempts').whereIn('invoice_id', ids).orderBy([{ column: 'invoice_id' }, { column: 'attempt_no' }]).select('invoice_id', 'status', 'next_retry_at', 'failure_code', 'decline_code')) as Array<PlanAttempt & { invoice_id: string }>;
  for (const r of rows) out.set(r.invoice_id, [...(out.get(r.invoice_id) ?? []), r]);
  return out;
}

function clientState(c: ClientFacts): ClientAutopayView['state'] {
  if (!c.enabled) return 'off';
  if (c.pausedReason) return 'paused';
  if (!c.mapped || !c.method || c.method.problem) return 'not_ready';
  return 'on';
}

async function latestPause(scope: InstallationScope, clientId: string): Promise<{ at: Date; actor_type: string; actor_label: string | null } | undefined> {
  return (await scope.from('audit_log').where({ client_id: clientId, action: 'autopay.paused' }).orderBy('id', 'desc').first('at', 'actor_type', 'actor_label')) as
    | { at: Date; actor_type: string; actor_label: string | null }
    | undefined;
}

export async function getClientAutopay(ctx: AppContext, scope: InstallationScope, clientId: string): Promise<ClientAutopayView> {
  const now = ctx.clock.now();
  const client = await loadClientFacts(scope, clientId, now);
  if (!client) throw new AppError('CLIENT_NOT_FOUND');
  const settings = await scheduleOf(scope);
  const invoices = (await scope
    .from('invoices')
    .where({ client_id: clientId })
    .whereIn('status', [...PAYABLE, 'processing'])
    .where('amount_remaining', '>', 0)
    .orderBy([{ column: 'due_date' }, { column: 'number' }])
    .limit(100)
    .select(INVOICE_FIELDS)) as InvoiceRow[];
  const ids = invoices.map((i) => i.id);
  const [attempts, pending] = await Promise.all([attemptsByInvoice(scope, ids), invoicesWithPendingPayment(scope, ids)]);
  const pause = client.pausedReason ? await latestPause(scope, clientId) : undefined;
  return {
    clientId,
    state: clientState(client),
    enabled: client.enabled,
    pause: client.pausedReason
      ? { reason: client.pausedReason, pausedAt: pause?.at.toISOString() ?? null, pausedBy: pause?.actor_type === 'staff' ? pause.actor_label : pause ? 'Settle (automatically)' : null, byTechnician: pause?.actor_type === 'staff' }
      : null,
    method: client.method ? { id: client.method.id, label: client.method.label, type: client.method.type, usable: client.method.problem === null, problem: client.method.problem } : null,
    schedule: { timezone: settings.timezone, runAt: settings.runAt, maxAmount: settings.maxAmount, retryScheduleDays: settings.retryScheduleDays, achMaxRetries: settings.achMaxRetries },
    upcoming: invoices.map((inv) => ({
      invoiceId: inv.id,
      number: inv.number,
      dueDate: inv.due_date,
      amountRemaining: inv.amount_remaining,
      currency: inv.currency,
      ...planInvoice({ invoice: inv, client, attempts: attempts.get(inv.id) ?? [], paymentPending: pending.has(inv.id), settings, now }),
    })),
  };
}

interface AttemptRow {
  id: string;
  attempt_no: number;
  trigger: string;
  created_at: Date;
  updated_at: Date;
  amount: number;
  currency: string;
  status: string;
  failure_code: string | null;
  decline_code: string | null;
  next_retry_at: Date | null;
  payment_id: string | null;
  failure_message: string | null;
  method_label: string | null;
  type: string | null;
  brand: string | null;
  bank_name: string | null;
  last4: string | null;
}

function nextOf(a: AttemptRow, kind: DeclineKind | null, isLast: boolean): string {
  switch (a.status) {
    case 'succeeded':
      return 'Paid.';
    case 'processing':
      return 'The bank debit is settling; its outcome arrives in a few business days.';
    case 'pending':
    case 'in_flight':
    case 'unknown':
      return 'Waiting for Stripe’s answer; the next run confirms it before anything else is charged.';
    case 'requires_action':
      return a.next_retry_at ? 'The cardholder was emailed a link to confirm the payment; autopay also tries again later.' : 'The cardholder was emailed a link to confirm the payment.';
    case 'failed':
      if (a.next_retry_at) return isLast ? 'Autopay tries again on the date shown.' : 'Autopay tried again.';
      if (kind === 'hard') return 'Autopay does not retry this decline: the client was asked for another card or bank account.';
      if (kind === 'authentication_required') return 'The cardholder was emailed a link to confirm the payment.';
      return 'No retries left; the client and your team were told.';
    default:
      return '';
  }
}

export function toAttemptView(a: AttemptRow, isLast: boolean): AttemptView {
  const failed = a.status === 'failed' || a.status === 'requires_action';
  const kind = failed ? (a.status === 'requires_action' ? 'authentication_required' : classifyDecline({ failureCode: a.failure_code, declineCode: a.decline_code })) : null;
  const reason = failed
    ? explainFailure({ failureCode: a.status === 'requires_action' ? (a.failure_code ?? 'authentication_required') : a.failure_code, declineCode: a.decline_code, message: a.failure_message }).message
    : null;
  return {
    id: a.id,
    attemptNo: a.attempt_no,
    trigger: a.trigger === 'charge_now' ? 'charge_now' : 'autopay',
    startedAt: a.created_at.toISOString(),
    updatedAt: a.updated_at.toISOString(),
    method: a.type ? paymentMethodLabel(a) : a.method_label,
    amount: a.amount,
    currency: a.currency,
    outcome: a.status,
    failureCode: a.failure_code,
    declineCode: a.decline_code,
    declineKind: kind,
    reason,
    nextRetryAt: a.next_retry_at?.toISOString() ?? null,
    next: nextOf(a, kind, isLast),
    paymentId: a.payment_id,
  };
}

export async function getInvoiceAutopay(ctx: AppContext, scope: InstallationScope, invoiceId: string): Promise<InvoiceAutopayView> {
  const now = ctx.clock.now();
  const inv = (await scope.from('invoices').where({ id: invoiceId }).first(INVOICE_FIELDS)) as InvoiceRow | undefined;
  if (!inv) throw new AppError('INVOICE_NOT_FOUND');
  const [client, settings, pending] = await Promise.all([loadClientFacts(scope, inv.client_id, now), scheduleOf(scope), invoicesWithPendingPayment(scope, [inv.id])]);
  const A = 'charge_attempts';
  const rows = (await scope
    .from(A)
    .leftJoin('payments as p', (j) => j.on('p.installation_id', `${A}.installation_id`).andOn('p.id', `${A}.payment_id`))
    .leftJoin('payment_methods as m', (j) => j.on('m.installation_id', `${A}.installation_id`).andOn('m.id', `${A}.payment_method_id`))
    .where(`${A}.invoice_id`, invoiceId)
    .orderBy(`${A}.attempt_no`)
    .select(
      ...['id', 'attempt_no', 'trigger', 'created_at', 'updated_at', 'amount', 'currency', 'status', 'failure_code', 'decline_code', 'next_retry_at', 'payment_id'].map((c) => `${A}.${c}`),
      'p.failure_message', 'p.method_label', 'm.type', 'm.brand', 'm.bank_name', 'm.last4',
    )) as AttemptRow[];
  const plan = planInvoice({ invoice: inv, client: client!, attempts: rows, paymentPending: pending.has(inv.id), settings, now });
  const skippedBy = inv.autopay_skipped_by ? ((await scope.from('staff_users').where({ id: inv.autopay_skipped_by }).first('name', 'email')) as { name: string; email: string } | undefined) : undefined;
  return {
    invoice: { id: inv.id, number: inv.number, clientId: inv.client_id, status: inv.status, amountRemaining: inv.amount_remaining, currency: inv.currency, dueDate: inv.due_date },
    skipped: inv.autopay_skipped_at ? { at: inv.autopay_skipped_at.toISOString(), by: skippedBy?.name ?? skippedBy?.email ?? null, reason: inv.autopay_skip_reason } : null,
    method: client!.method?.label ?? null,
    plan,
    actions: {
      chargeNow: chargeNowRefusal(inv, client!, plan, settings) ?? { allowed: true, reason: null },
      skip: PAYABLE.includes(inv.status) && inv.amount_remaining > 0 && !inv.autopay_skipped_at,
      unskip: inv.autopay_skipped_at !== null,
    },
    attempts: rows.map((a, i) => toAttemptView(a, i === rows.length - 1)).reverse(),
  };
}

export type ChargeNowRefusal = { allowed: false; reason: string; code: 'INVOICE_NOT_PAYABLE' | 'PAYMENT_IN_FLIGHT' | 'CLIENT_NOT_MAPPED' | 'AUTOPAY_NOT_ENABLED' | 'PAYMENT_METHOD_NOT_USABLE' | 'AUTOPAY_AMOUNT_ABOVE_MAXIMUM' };

/**
 * Why "charge now" cannot charge this invoice, or null when it can. Charge now uses the client's
 * autopay authorization (its method and consent), so it needs autopay on and a usable method; it is
 * allowed while autopay is paused by a technician, before the due date, on a skipped invoice and
 * while a retry is pending (that is what it is for).
 */
export function chargeNowRefusal(inv: Pick<InvoiceRow, 'status' | 'amount_remaining'>, client: ClientFacts, plan: InvoicePlan, settings: PlanSettings): ChargeNowRefusal | null {
  const no = (code: ChargeNowRefusal['code'], reason: string): ChargeNowRefusal => ({ allowed: false, code, reason });
  if (plan.state === 'in_flight') return no('PAYMENT_IN_FLIGHT', 'A payment for this invoice is already in progress.');
  if (!PAYABLE.includes(inv.status) || inv.amount_remaining <= 0) return no('INVOICE_NOT_PAYABLE', plan.note);
  if (!client.mapped) return no('CLIENT_NOT_MAPPED', 'This client is not linked to a Stripe customer.');
  if (!client.enabled) return no('AUTOPAY_NOT_ENABLED', 'The client has not authorized automatic charges (autopay is off). Send a payment link instead.');
  if (!client.method) return no('PAYMENT_METHOD_NOT_USABLE', 'No payment method is set for autopay.');
  if (client.method.problem) return no('PAYMENT_METHOD_NOT_USABLE', client.method.problem);
  if (settings.maxAmount !== null && inv.amount_remaining > settings.maxAmount) return no('AUTOPAY_AMOUNT_ABOVE_MAXIMUM', 'Above the maximum amount the client authorized for automatic charges.');
  return null;
}
