// One autopay run for one installation: first resolve attempts whose outcome is not known yet
// (a crashed process, a timeout, an ACH debit still settling), then charge every invoice that is due
// — due date on or before today in the MSP's timezone (today's invoices once the MSP's run time has
// passed), open with something remaining, for clients with autopay on and a usable method, under the
// MSP's maximum, with nothing in flight and no retry pending. Charges run concurrently under a
// per-account token bucket so a run takes about as long as Stripe's rate limit allows.
import type Stripe from 'stripe';
import { InstallationScope } from '../db/tenant-scope';
import { AppError } from '../http/app-error';
import type { AppContext } from '../http/context';
import { getInstallationSettings } from '../installations/installation-settings';
import { localDate } from '../installations/local-date';
import { isCardExpired, paymentMethodLabel } from '../payment-methods/payment-method-display';
import { attemptRecorder, chargeInvoice, completeAttempt, outcomeWriter, type AttemptRow, type AutopayCandidate, type ChargeOptions, type ChargeOutcome } from './charge-invoice';
import { autopayRate, tokenBucketFor } from './token-bucket';

export interface RunAutopayOptions {
  /** Charges in flight at once (Stripe round trips overlap). */
  concurrency?: number;
  /**
   * Stripe requests per second for this account; default: 95 % of Stripe's limit (live 100/s,
   * test 25/s, or SETTLE_STRIPE_RATE_LIMIT when Stripe raised the account's limit).
   */
  ratePerSecond?: number;
  /** Crash injection for tests (see ChargeOptions). */
  checkpoint?: ChargeOptions['checkpoint'];
  /** An attempt still `in_flight` after this long belongs to a process that died. */
  staleAfterMs?: number;
}

/** Outcomes counted per charge; `resolved`: earlier attempts settled; `rateLimited`: 429s this process's bucket has seen for the account (cumulative). */
export type RunAutopayResult = Record<ChargeOutcome, number> & { resolved: number; candidates: number; rateLimited: number };

const UNRESOLVED = ['in_flight', 'unknown', 'processing', 'requires_action'];

/** HH:MM (24 h) now in a timezone. */
function localTime(now: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(now);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '00';
  return `${get('hour')}:${get('minute')}`;
}

function previousDay(date: string): string {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

interface DueRow {
  id: string;
  number: string;
  client_id: string;
  amount_remaining: number;
  currency: string;
  stripe_customer_id: string;
  pm_id: string;
  stripe_payment_method_id: string;
  type: 'card' | 'us_bank_account';
  mandate_id: string | null;
  brand: string | null;
  bank_name: string | null;
  last4: string | null;
  exp_month: number | null;
  exp_year: number | null;
  last_attempt_no: number | null;
}

/** The invoices to charge now, with their next attempt number. Read-only. */
export async function selectDueInvoices(ctx: AppContext, scope: InstallationScope): Promise<AutopayCandidate[]> {
  const settings = await getInstallationSettings(scope);
  const now = ctx.clock.now();
  const today = localDate(now, settings.timezone);
  const cutoff = localTime(now, settings.timezone) >= settings.autopay.runAt ? today : previousDay(today);
  const db = scope.db;
  const rows = (await scope
    .from('invoices')
    .join('clients as c', (j) => j.on('c.installation_id', 'invoices.installation_id').andOn('c.id', 'invoices.client_id'))
    .join('payment_methods as m', (j) => j.on('m.installation_id', 'invoices.installation_id').andOn('m.id', 'c.autopay_payment_method_id'))
    .whereIn('invoices.status', ['open', 'partially_paid'])
    .where('invoices.amount_remaining', '>', 0)
    .where('invoices.due_date', '<=', cutoff)
    .whereNull('invoices.autopay_skipped_at')
    .where('c.autopay_enabled', true)
    .whereNull('c.autopay_paused_reason')
    .where('c.mapping_status', 'mapped')
    .whereNotNull('c.stripe_customer_id')
    .where('m.status', 'active')
    .whereNotNull('m.stripe_payment_method_id')
    .where((q) => q.whereNull('m.mandate_status').orWhereNot('m.mandate_status', 'inactive'))
    .whereNotExists(db('allocations as al').whereRaw('al.installation_id = invoices.installation_id and al.invoice_id = invoices.id').where('al.state', 'pending'))
    .whereNotExists(db('charge_attempts as a').whereRaw('a.installation_id = invoices.installation_id and a.invoice_id = invoices.id').whereIn('a.status', ['pending', ...UNRESOLVED]))
    .modify((q) => {
      if (settings.autopay.maxAmount !== null) q.where('invoices.amount_remaining', '<=', settings.autopay.maxAmount);
    })
    .orderBy([{ column: 'invoices.due_date' }, { column: 'invoices.id' }])
    .select(
      'invoices.id', 'invoices.number', 'invoices.client_id', 'invoices.amount_remaining', 'invoices.currency', 'c.stripe_customer_id',
      'm.id as pm_id', 'm.stripe_payment_method_id', 'm.type', 'm.mandate_id', 'm.brand', 'm.bank_name', 'm.last4', 'm.exp_month', 'm.exp_year',
      db.raw('(select max(a.attempt_no) from charge_attempts a where a.installation_id = invoices.installation_id and a.invoice_id = invoices.id) as last_attempt_no'),
    )) as DueRow[];

  // The last attempt decides whether this is a retry, a new series, or nothing to do yet.
  const withHistory = rows.filter((r) => r.last_attempt_no !== null).map((r) => r.id);
  const history = withHistory.length
    ? ((await scope.from('charge_attempts').whereIn('invoice_id', withHistory).orderBy('attempt_no').select('invoice_id', 'attempt_no', 'status', 'next_retry_at', 'updated_at')) as Array<{ invoice_id: string; attempt_no: number; status: string; next_retry_at: Date | null; updated_at: Date }>)
    : [];
  const historyOf = new Map<string, typeof history>();
  for (const h of history) historyOf.set(h.invoice_id, [...(historyOf.get(h.invoice_id) ?? []), h]);
  // Clients holding credit (used before charging); the others skip that step and its client lock.
  const clientIds = [...new Set(rows.map((r) => r.client_id))];
  const withCredit = new Set<string>();
  for (let i = 0; i < clientIds.length; i += 1000) {
    const ids = (await scope.from('client_credits').whereIn('client_id', clientIds.slice(i, i + 1000)).groupBy('client_id').havingRaw('sum(amount) > 0').pluck('client_id')) as string[];
    for (const id of ids) withCredit.add(id);
  }
  const out: AutopayCandidate[] = [];
  for (const r of rows) {
    if (r.type === 'card' && isCardExpired(r, now)) continue;
    const attempts = historyOf.get(r.id) ?? [];
    const last = attempts[attempts.length - 1];
    let firstFailureAt: Date | null = null;
    if (last && (last.status === 'failed' || last.status === 'requires_action')) {
      if (!last.next_retry_at || last.next_retry_at > now) continue; // never again, or not yet
      // The series began after the last success (or at the start).
      const lastSuccess = attempts.map((a) => a.status).lastIndexOf('succeeded');
      firstFailureAt = attempts.slice(lastSuccess + 1).find((a) => a.status === 'failed' || a.status === 'requires_action')?.updated_at ?? null;
    }
    out.push({
      invoiceId: r.id, invoiceNumber: r.number, clientId: r.client_id, customerId: r.stripe_customer_id, amount: r.amount_remaining, currency: r.currency,
      paymentMethodRowId: r.pm_id, stripePaymentMethodId: r.stripe_payment_method_id, methodType: r.type, mandateId: r.mandate_id,
      methodLabel: paymentMethodLabel({ ...r, type: r.type }), attemptNo: (r.last_attempt_no ?? 0) + 1, firstFailureAt, hasCredit: withCredit.has(r.client_id),
    });
  }
  return out;
}

/**
 * Work units for the run, in due order: a client holding credit has its invoices charged one after
 * another (credit goes to the invoice due first, whatever the concurrency); every other invoice is
 * a unit of its own.
 */
export function inCreditOrder(due: AutopayCandidate[]): AutopayCandidate[][] {
  const units: AutopayCandidate[][] = [];
  const byClient = new Map<string, AutopayCandidate[]>();
  for (const c of due) {
    if (!c.hasCredit) {
      units.push([c]);
      continue;
    }
    const unit = byClient.get(c.clientId);
    if (unit) unit.push(c);
    else {
      const fresh = [c];
      byClient.set(c.clientId, fresh);
      units.push(fresh);
    }
  }
  return units;
}

async function pool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

export async function runAutopay(ctx: AppContext, installationId: string, options: RunAutopayOptions = {}): Promise<RunAutopayResult> {
  const result: RunAutopayResult = { succeeded: 0, processing: 0, failed: 0, requires_action: 0, unknown: 0, skipped: 0, credited: 0, resolved: 0, candidates: 0, rateLimited: 0 };
  const scope = new InstallationScope(ctx.db, installationId);
  let stripe: Stripe;
  let livemode: boolean;
  let accountId: string;
  try {
    const connected = await ctx.stripe.forInstallation(ctx.db, installationId);
    stripe = connected.stripe;
    livemode = connected.connection.livemode;
    accountId = connected.connection.account_id;
  } catch (err) {
    if (err instanceof AppError && err.code === 'STRIPE_NOT_CONNECTED') return result;
    throw err;
  }
  const settings = await getInstallationSettings(scope);
  const policy = { retryScheduleDays: settings.autopay.retryScheduleDays, achMaxRetries: settings.autopay.achMaxRetries };
  // A charge is one Stripe request when it goes through (two when a failed intent is canceled); every
  // request takes a token. With ~300 ms a round trip, rate × latency charges must be in flight to
  // keep the bucket busy; the default leaves room for the database work around each request.
  const bucket = tokenBucketFor(accountId, options.ratePerSecond ?? autopayRate(livemode));
  const charge: ChargeOptions = { bucket, ...(options.checkpoint ? { checkpoint: options.checkpoint } : {}) };
  const concurrency = options.concurrency ?? 64;

  // 1. Attempts whose outcome is unknown: replay (same key) or re-read before anything new happens.
  const staleBefore = new Date(ctx.clock.now().getTime() - (options.staleAfterMs ?? 120_000));
  const unresolved = (await scope
    .from('charge_attempts')
    .whereIn('status', UNRESOLVED)
    .where((q) => q.whereNot('status', 'in_flight').orWhere('updated_at', '<', staleBefore))
    .orderBy('created_at')
    .select()) as AttemptRow[];
  await pool(unresolved, concurrency, async (attempt) => {
    try {
      const outcome = await completeAttempt(ctx, scope, stripe, attempt, policy, null, charge);
      if (outcome !== attempt.status) result.resolved++;
    } catch (err) {
      // Stays unresolved (its invoice stays locked); the next run tries again.
      ctx.logger.error({ err, attemptId: attempt.id }, 'autopay could not resolve an attempt');
    }
  });

  // 2. What is due now.
  const due = await selectDueInvoices(ctx, scope);
  result.candidates = due.length;
  // Attempts are recorded a few at a time (one transaction for the charges about to be sent), each
  // still before its own Stripe request; answers are written a few at a time too.
  const recorder = attemptRecorder(ctx, scope, 'autopay');
  const writer = outcomeWriter(scope);
  const batched: ChargeOptions = { ...charge, recorder, writer };
  await pool(inCreditOrder(due), concurrency, async (group) => {
    for (const candidate of group) {
      try {
        result[await chargeInvoice(ctx, scope, stripe, candidate, policy, 'autopay', batched)]++;
      } catch (err) {
        // One invoice's trouble never stops the run; its attempt (if recorded) is resolved next run.
        result.unknown++;
        ctx.logger.error({ err, invoiceId: candidate.invoiceId }, 'autopay charge failed unexpectedly');
      }
    }
  });
  result.rateLimited = bucket.rateLimited;
  // Batches written again one charge at a time (another process held one of the invoices, say).
  const fellBack = { attemptBatches: recorder.fellBack, outcomeBatches: writer.fellBack };
  if (result.candidates || result.resolved) ctx.logger.info({ installationId, ...result, fellBack }, 'autopay run finished');
  return result;
}
