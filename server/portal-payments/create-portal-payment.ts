// Paying invoices from the portal (and from a public payment link). The order of operations is what
// makes it safe:
// 1. In one transaction: lock the invoices, check them against the database (amounts never come
//    from the browser unchecked), insert the payment and its per-invoice split as `pending`
//    allocations. The partial unique index allocations_one_pending_per_invoice makes a second
//    payment for an invoice impossible while one is in flight — two tabs, double clicks and two
//    server processes all end in PAYMENT_IN_FLIGHT.
// 2. Create the PaymentIntent with an idempotency key derived from the payment id and metadata
//    pointing back at it. A crash or timeout here is resolved by replaying the same request with the
//    same key (Stripe returns the intent it already made), never by making a second one.
// 3. Record the intent id and converge the payment from Stripe (syncPaymentIntent), whose
//    transition hook moves the invoices (processing / paid / released).
import { randomUUID } from 'node:crypto';
import Stripe from 'stripe';
import { recordAudit, type AuditActor } from '../audit/record-audit';
import { InstallationScope } from '../db/tenant-scope';
import { AppError } from '../http/app-error';
import type { AppContext } from '../http/context';
import { getInstallationSettings } from '../installations/installation-settings';
import type { InvoiceStatus } from '../invoices/invoice-view';
import { enqueuePsaWriteBack } from '../outbox/enqueue-psa-write-back';
import { isCardExpired, paymentMethodLabel } from '../payment-methods/payment-method-display';
import { syncPaymentIntent } from '../payments/sync-payment-intent';
import { PAYMENT_COLUMNS, toPaymentViews, type PaymentRow, type PaymentView } from './payment-view';

export type NewMethodType = 'card' | 'us_bank_account';

export interface CreatePaymentInput {
  installationId: string;
  clientId: string;
  invoiceIds: string[];
  /** Per-invoice amounts (partial payments), checked against the database and the MSP's policy. */
  amounts?: Record<string, number>;
  /** A saved, active payment method of this client: the server confirms the intent. */
  paymentMethodId?: string;
  /** A new card or bank account entered in the page: the page confirms with Stripe.js. */
  methodType?: NewMethodType;
  source: 'portal' | 'link';
  actor: AuditActor;
  ip?: string;
  userAgent?: string;
}

export interface CreatedPayment {
  payment: PaymentView;
  clientSecret: string | null;
}

interface InvoiceRow {
  id: string;
  number: string;
  currency: string;
  total: number;
  amount_remaining: number;
  status: InvoiceStatus;
}

interface SavedMethod {
  id: string;
  type: NewMethodType;
  status: string;
  stripe_payment_method_id: string | null;
  mandate_id: string | null;
  brand: string | null;
  bank_name: string | null;
  last4: string | null;
  exp_month: number | null;
  exp_year: number | null;
}

export interface PayableClient {
  id: string;
  name: string;
  stripe_customer_id: string;
}

/** The client, if it may pay online: mapped to a Stripe customer, not ignored. */
export async function payableClient(scope: InstallationScope, clientId: string): Promise<PayableClient> {
  const client = (await scope.from('clients').where({ id: clientId }).first('id', 'name', 'mapping_status', 'stripe_customer_id')) as
    | { id: string; name: string; mapping_status: string; stripe_customer_id: string | null }
    | undefined;
  if (!client) throw new AppError('CLIENT_NOT_FOUND');
  if (client.mapping_status !== 'mapped' || !client.stripe_customer_id) throw new AppError('ONLINE_PAYMENTS_UNAVAILABLE');
  return { id: client.id, name: client.name, stripe_customer_id: client.stripe_customer_id };
}

/** Why an invoice cannot take a new payment, or null when it can. */
export function payBlockedReason(inv: Pick<InvoiceRow, 'status' | 'amount_remaining' | 'total'>, inFlight: boolean): string | null {
  if (inv.status === 'void') return 'This invoice was voided; there is nothing to pay.';
  if (inv.status === 'paid' || inv.status === 'overpaid') return 'This invoice is paid.';
  if (inv.status === 'processing' || inFlight) return 'A payment for this invoice is in progress.';
  if (inv.total <= 0 || inv.amount_remaining <= 0) return 'There is nothing left to pay on this invoice.';
  return null;
}

/** The deterministic request for a payment's intent: the same payment always asks Stripe for the same thing. */
export function intentParams(p: {
  paymentId: string;
  installationId: string;
  client: PayableClient;
  amount: number;
  currency: string;
  invoiceNumbers: string[];
  methodType: NewMethodType;
  saved: SavedMethod | null;
}): Stripe.PaymentIntentCreateParams {
  const numbers = p.invoiceNumbers.join(', ');
  return {
    amount: p.amount,
    currency: p.currency.toLowerCase(),
    customer: p.client.stripe_customer_id,
    allowed_payment_method_types: [p.methodType],
    description: `${p.invoiceNumbers.length === 1 ? 'Invoice' : 'Invoices'} ${numbers}`.slice(0, 1000),
    metadata: {
      settle_installation_id: p.installationId,
      settle_client_id: p.client.id,
      settle_payment_id: p.paymentId,
      settle_invoices: numbers.slice(0, 500),
    },
    ...(p.methodType === 'us_bank_account' && !p.saved ? { payment_method_options: { us_bank_account: { verification_method: 'automatic' } } } : {}),
    ...(p.saved
      ? {
          payment_method: p.saved.stripe_payment_method_id!,
          confirm: true,
          ...(p.saved.type === 'us_bank_account' && p.saved.mandate_id ? { mandate: p.saved.mandate_id } : {}),
        }
      : {}),
  };
}

export const intentIdempotencyKey = (paymentId: string): string => `portal-payment:${paymentId}`;

function validAmount(requested: number, inv: InvoiceRow, minimum: number): boolean {
  if (!Number.isSafeInteger(requested) || requested <= 0 || requested > inv.amount_remaining) return false;
  // Below the MSP's minimum only when that pays the invoice off.
  return requested >= Math.min(minimum, inv.amount_remaining);
}

/** Steps 1–3 above. Returns the payment as it stands after Stripe answered. */
export async function createPortalPayment(ctx: AppContext, input: CreatePaymentInput): Promise<CreatedPayment> {
  const scope = new InstallationScope(ctx.db, input.installationId);
  const client = await payableClient(scope, input.clientId);
  const { stripe } = await ctx.stripe.forInstallation(ctx.db, input.installationId).catch((err: unknown) => {
    throw err instanceof AppError && err.code === 'STRIPE_NOT_CONNECTED' ? new AppError('ONLINE_PAYMENTS_UNAVAILABLE', { cause: err }) : err;
  });
  const settings = await getInstallationSettings(scope);
  const clientScope = scope.forClient(client.id);

  let saved: SavedMethod | null = null;
  if (input.paymentMethodId) {
    saved = (await clientScope
      .from('payment_methods')
      .where({ id: input.paymentMethodId })
      .first('id', 'type', 'status', 'stripe_payment_method_id', 'mandate_id', 'brand', 'bank_name', 'last4', 'exp_month', 'exp_year')) as SavedMethod | undefined ?? null;
    if (!saved) throw new AppError('PAYMENT_METHOD_NOT_FOUND');
    if (saved.status !== 'active' || !saved.stripe_payment_method_id) throw new AppError('PAYMENT_METHOD_NOT_USABLE');
    if (saved.type === 'card' && isCardExpired(saved, ctx.clock.now())) throw new AppError('PAYMENT_METHOD_NOT_USABLE', { message: 'This card has expired. Pay with another card or bank account.' });
  }
  const methodType: NewMethodType = saved?.type ?? input.methodType ?? 'card';
  if (methodType === 'card' && !settings.paymentMethods.card) throw new AppError('PAYMENT_METHOD_TYPE_UNAVAILABLE', { message: 'Card payments are not accepted for this account.' });
  if (methodType === 'us_bank_account' && !settings.paymentMethods.usBankAccount) {
    throw new AppError('PAYMENT_METHOD_TYPE_UNAVAILABLE', { message: settings.achAvailable ? 'Bank account (ACH) payments are not accepted for this account.' : 'Bank account (ACH) payments are only available in US dollars.' });
  }

  const ids = [...new Set(input.invoiceIds)];
  for (const id of Object.keys(input.amounts ?? {})) {
    if (!ids.includes(id)) throw new AppError('PAYMENT_AMOUNT_INVALID', { fields: [{ path: `amounts.${id}`, message: 'Not one of the invoices being paid.' }] });
  }
  // Payments left unsubmitted (a closed dialog, another tab) or failed on these invoices are
  // canceled first — in Stripe, so they can never succeed later — then the invoices are free.
  await releaseAbandoned(ctx, scope, client.id, ids);

  const paymentId = randomUUID();
  const now = ctx.clock.now();
  const prepared = await scope.transaction(async (tx) => {
    const invoices = (await tx.forClient(client.id).from('invoices').whereIn('id', ids).orderBy('id').forUpdate().select('id', 'number', 'currency', 'total', 'amount_remaining', 'status')) as InvoiceRow[];
    if (invoices.length !== ids.length) throw new AppError('INVOICE_NOT_FOUND');
    const inFlight = new Set((await tx.from('allocations').whereIn('invoice_id', ids).where({ state: 'pending' }).pluck('invoice_id')) as string[]);
    if (invoices.some((i) => i.status === 'processing' || inFlight.has(i.id))) throw new AppError('PAYMENT_IN_FLIGHT');
    const blocked = invoices.find((i) => payBlockedReason(i, false) !== null);
    if (blocked) throw new AppError('INVOICE_NOT_PAYABLE', { message: `${blocked.number}: ${payBlockedReason(blocked, false)}` });
    const currency = invoices[0]!.currency;
    if (invoices.some((i) => i.currency !== currency)) throw new AppError('CURRENCY_MISMATCH');
    if (methodType === 'us_bank_account' && currency !== 'USD') throw new AppError('PAYMENT_METHOD_TYPE_UNAVAILABLE', { message: 'Bank account (ACH) payments are only available in US dollars.' });

    const split = invoices.map((inv) => {
      const requested = input.amounts?.[inv.id];
      if (requested === undefined || requested === inv.amount_remaining) return { invoice: inv, amount: inv.amount_remaining };
      if (!settings.partialPayments.allowed) throw new AppError('PARTIAL_PAYMENT_NOT_ALLOWED');
      if (!validAmount(requested, inv, settings.partialPayments.minimum)) {
        throw new AppError('PAYMENT_AMOUNT_INVALID', { fields: [{ path: `amounts.${inv.id}`, message: `Enter an amount between the minimum and the ${inv.amount_remaining} remaining on ${inv.number}.` }] });
      }
      return { invoice: inv, amount: requested };
    });
    const amount = split.reduce((sum, s) => sum + s.amount, 0);
    await tx.insert('payments', {
      id: paymentId,
      client_id: client.id,
      source: input.source,
      status: 'pending',
      amount,
      currency,
      method_type: methodType,
      method_label: saved ? paymentMethodLabel({ ...saved, type: saved.type }) : null,
      payment_method_id: saved?.id ?? null,
      idempotency_key: intentIdempotencyKey(paymentId),
      created_by_kind: input.actor.type === 'portal' ? 'portal' : input.actor.type,
      created_by_id: input.actor.id,
      received_at: now,
      created_at: now,
      updated_at: now,
    });
    try {
      await tx.insert(
        'allocations',
        split.map((s) => ({ payment_id: paymentId, invoice_id: s.invoice.id, amount: s.amount, currency, rule: 'metadata', confidence: 1, state: 'pending', created_by_kind: 'system', created_at: now })),
      );
    } catch (err) {
      if ((err as { code?: string }).code === '23505') throw new AppError('PAYMENT_IN_FLIGHT', { cause: err });
      throw err;
    }
    await enqueuePsaWriteBack(tx, { paymentId }, ctx.clock);
    await recordAudit(
      tx,
      {
        actor: input.actor,
        action: 'payment.started',
        subjectType: 'payment',
        subjectId: paymentId,
        clientId: client.id,
        details: { amount, currency, method: methodType, saved: Boolean(saved), source: input.source, invoices: split.map((s) => ({ number: s.invoice.number, amount: s.amount })) },
        ip: input.ip,
      },
      ctx.clock,
    );
    return { amount, currency, numbers: split.map((s) => s.invoice.number) };
  }).catch((err: unknown) => {
    // Two requests raced past the pre-check: the unique index decided, and this one lost.
    if ((err as { code?: string }).code === '23505') throw new AppError('PAYMENT_IN_FLIGHT', { cause: err });
    throw err;
  });

  const params = intentParams({ paymentId, installationId: input.installationId, client, amount: prepared.amount, currency: prepared.currency, invoiceNumbers: prepared.numbers, methodType, saved });
  const intent = await createIntent(stripe, params, paymentId);
  await scope.from('payments').where({ id: paymentId }).update({ stripe_payment_intent_id: intent.id, updated_at: ctx.clock.now() });
  const sync = { scope, stripe, clock: ctx.clock, logger: ctx.logger, publicUrl: ctx.config.publicUrl };
  await syncPaymentIntent({ ...sync, paymentIntentId: intent.id });
  // A saved method the bank declined: cancel the intent so it can never succeed later, which also
  // frees the invoices for another try. (A new method's intent stays open: the page may retry it.)
  if (saved && intent.status === 'requires_payment_method') {
    await cancelIntentQuietly(ctx, stripe, intent.id);
    await syncPaymentIntent({ ...sync, paymentIntentId: intent.id });
  }
  const payment = await loadPaymentView(scope, paymentId);
  const needsPage = !saved || intent.status === 'requires_action';
  return { payment, clientSecret: needsPage ? intent.client_secret : null };
}

/** Creates (or, replaying the same key, finds) the intent. A declined confirmation still made one. */
async function createIntent(stripe: Stripe, params: Stripe.PaymentIntentCreateParams, paymentId: string): Promise<Stripe.PaymentIntent> {
  try {
    return await stripe.paymentIntents.create(params, { idempotencyKey: intentIdempotencyKey(paymentId) });
  } catch (err) {
    const failed = err instanceof Stripe.errors.StripeError ? (err.raw as { payment_intent?: Stripe.PaymentIntent }).payment_intent : undefined;
    if (failed?.id) return failed;
    if (err instanceof Stripe.errors.StripeCardError || err instanceof Stripe.errors.StripeInvalidRequestError) {
      throw new AppError('PAYMENT_METHOD_NOT_USABLE', { message: err.message, cause: err });
    }
    // The payment stays pending without an intent; the next attempt on these invoices replays the
    // same request (same key) to find out whether Stripe made one, and cancels it.
    throw new AppError('STRIPE_UNAVAILABLE', { cause: err });
  }
}

async function cancelIntentQuietly(ctx: AppContext, stripe: Stripe, intentId: string): Promise<void> {
  try {
    await stripe.paymentIntents.cancel(intentId, {}, { idempotencyKey: `cancel:${intentId}` });
  } catch (err) {
    ctx.logger.warn({ err, intentId }, 'could not cancel a payment intent; the sync decides what happened');
  }
}

export async function loadPaymentView(scope: InstallationScope, paymentId: string): Promise<PaymentView> {
  const row = (await scope.from('payments').where({ id: paymentId }).first(PAYMENT_COLUMNS)) as PaymentRow | undefined;
  if (!row) throw new AppError('PAYMENT_NOT_FOUND');
  const [view] = await toPaymentViews(scope.db, scope.installationId, [row]);
  return view!;
}

/**
 * Cancels this client's abandoned payments on the given invoices: not submitted (`pending`) or
 * failed — in Stripe first, so they cannot succeed afterwards. A payment that turns out to be
 * processing or paid in Stripe is synced instead, and the caller then sees PAYMENT_IN_FLIGHT or a
 * paid invoice. A payment whose intent was never recorded (a crash or timeout before step 3) is
 * resolved by replaying its create request with the same idempotency key.
 */
export async function releaseAbandoned(ctx: AppContext, scope: InstallationScope, clientId: string, invoiceIds: string[]): Promise<void> {
  const stale = (await scope
    .from('allocations')
    .join('payments as p', (j) => j.on('p.installation_id', 'allocations.installation_id').andOn('p.id', 'allocations.payment_id'))
    .whereIn('allocations.invoice_id', invoiceIds)
    .where('allocations.state', 'pending')
    .where('p.client_id', clientId)
    // Only what the portal or a link started: an autopay charge in flight is never touched here.
    .whereIn('p.source', ['portal', 'link'])
    .whereIn('p.status', ['pending', 'failed'])
    .distinct('p.id')
    .pluck('p.id')) as string[];
  for (const paymentId of stale) {
    try {
      await cancelPayment(ctx, scope, paymentId);
    } catch (err) {
      // It went through after all (processing or paid): the caller's checks now refuse the invoices.
      if (!(err instanceof AppError && err.code === 'PAYMENT_NOT_CANCELABLE')) throw err;
    }
  }
}

/** Cancels a payment that has not been submitted or has failed; PAYMENT_NOT_CANCELABLE otherwise. */
export async function cancelPayment(ctx: AppContext, scope: InstallationScope, paymentId: string): Promise<PaymentView> {
  const row = (await scope.from('payments').where({ id: paymentId }).first(PAYMENT_COLUMNS)) as PaymentRow | undefined;
  if (!row) throw new AppError('PAYMENT_NOT_FOUND');
  if (row.source !== 'portal' && row.source !== 'link') throw new AppError('PAYMENT_NOT_CANCELABLE');
  const { stripe } = await ctx.stripe.forInstallation(ctx.db, scope.installationId);
  const sync = { scope, stripe, clock: ctx.clock, logger: ctx.logger, publicUrl: ctx.config.publicUrl };
  let intentId = row.stripe_payment_intent_id;
  if (!intentId) intentId = await recoverIntentId(ctx, scope, stripe, row);
  if (!intentId) {
    // Stripe never made an intent for it: release the split here.
    await releaseWithoutIntent(ctx, scope, row);
    return loadPaymentView(scope, paymentId);
  }
  const current = await stripe.paymentIntents.retrieve(intentId);
  if (['requires_payment_method', 'requires_confirmation', 'requires_action'].includes(current.status)) {
    await cancelIntentQuietly(ctx, stripe, intentId);
  }
  await syncPaymentIntent({ ...sync, paymentIntentId: intentId });
  const view = await loadPaymentView(scope, paymentId);
  if (!['canceled', 'failed'].includes(view.status) || (await scope.from('allocations').where({ payment_id: paymentId, state: 'pending' }).first('id'))) {
    throw new AppError('PAYMENT_NOT_CANCELABLE');
  }
  return view;
}

/** Replays the create request (same key, same parameters) to learn the intent id a crash lost. */
async function recoverIntentId(ctx: AppContext, scope: InstallationScope, stripe: Stripe, row: PaymentRow): Promise<string | null> {
  const split = (await scope
    .from('allocations')
    .join('invoices as i', (j) => j.on('i.installation_id', 'allocations.installation_id').andOn('i.id', 'allocations.invoice_id'))
    .where('allocations.payment_id', row.id)
    .orderBy('i.id')
    .select('i.number')) as Array<{ number: string }>;
  const client = await payableClient(scope, row.client_id!);
  const saved = row.payment_method_id
    ? ((await scope.from('payment_methods').where({ id: row.payment_method_id }).first('id', 'type', 'status', 'stripe_payment_method_id', 'mandate_id', 'brand', 'bank_name', 'last4', 'exp_month', 'exp_year')) as SavedMethod)
    : null;
  const params = intentParams({ paymentId: row.id, installationId: scope.installationId, client, amount: row.amount, currency: row.currency, invoiceNumbers: split.map((s) => s.number), methodType: row.method_type ?? 'card', saved });
  try {
    const intent = await createIntent(stripe, params, row.id);
    await scope.from('payments').where({ id: row.id }).update({ stripe_payment_intent_id: intent.id, updated_at: ctx.clock.now() });
    return intent.id;
  } catch (err) {
    ctx.logger.warn({ err, paymentId: row.id }, 'could not resolve a payment without an intent');
    if (err instanceof AppError && err.code === 'PAYMENT_METHOD_NOT_USABLE') return null;
    throw err;
  }
}

async function releaseWithoutIntent(ctx: AppContext, scope: InstallationScope, row: PaymentRow): Promise<void> {
  const now = ctx.clock.now();
  await scope.transaction(async (tx) => {
    const updated = await tx.from('payments').where({ id: row.id, status: row.status }).whereNull('stripe_payment_intent_id').update({ status: 'canceled', updated_at: now });
    if (!updated) return;
    await tx.from('allocations').where({ payment_id: row.id, state: 'pending' }).update({ state: 'canceled', reversed_at: now });
    await enqueuePsaWriteBack(tx, { paymentId: row.id }, ctx.clock);
  });
}

/** Re-reads the payment from Stripe (after the page confirmed it) and returns it as it now stands. */
export async function refreshPayment(ctx: AppContext, scope: InstallationScope, paymentId: string): Promise<PaymentView> {
  const row = (await scope.from('payments').where({ id: paymentId }).first(PAYMENT_COLUMNS)) as PaymentRow | undefined;
  if (!row) throw new AppError('PAYMENT_NOT_FOUND');
  if (row.stripe_payment_intent_id) {
    const { stripe } = await ctx.stripe.forInstallation(ctx.db, scope.installationId);
    await syncPaymentIntent({ scope, stripe, clock: ctx.clock, logger: ctx.logger, publicUrl: ctx.config.publicUrl, paymentIntentId: row.stripe_payment_intent_id });
  }
  return loadPaymentView(scope, paymentId);
}

