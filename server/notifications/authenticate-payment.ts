// Completing, on-session, a charge the card's bank refused to take off-session
// (`authentication_required`). The page behind the "Confirm payment" email shows the invoice and the
// amount; `startPaymentAuthentication` confirms the same PaymentIntent again with the same saved card
// while the client is present, which makes Stripe ask for 3-D Secure (`requires_action`); the page
// runs Stripe.js `handleNextAction`, then reads `getPaymentAuthentication` again, which converges the
// payment from Stripe (syncPaymentIntent), whose transition hook marks the invoice paid and sends the receipt.
// A PaymentIntent can succeed at most once, so a double click or two tabs cannot charge twice.
// When the intent was canceled (autopay cancels failed intents) or can no longer be confirmed, the
// page says so and offers to pay the invoice normally; nothing here creates a new charge.
import Stripe from 'stripe';
import { recordAudit, type AuditActor } from '../audit/record-audit';
import type { ClientScope, InstallationScope } from '../db/tenant-scope';
import { AppError } from '../http/app-error';
import type { AppContext } from '../http/context';
import type { InvoiceStatus } from '../invoices/invoice-view';
import { syncPaymentIntent } from '../payments/sync-payment-intent';
import { loadPaymentView } from '../portal-payments/create-portal-payment';
import type { PaymentView } from '../portal-payments/payment-view';
import { installationScopeOfClient } from '../portal-payment-methods/portal-request';

/** Failure codes a client can fix by authenticating the same card on-session. */
const AUTHENTICATION_CODES = new Set(['authentication_required', 'payment_intent_authentication_failure']);

export type AuthenticationState = 'needs_authentication' | 'processing' | 'succeeded' | 'unavailable';

export interface AuthenticationView {
  paymentId: string;
  state: AuthenticationState;
  /** Plain words for the state. */
  message: string;
  amount: number;
  currency: string;
  methodLabel: string | null;
  invoices: Array<{ id: string; number: string; dueDate: string; amountRemaining: number; status: InvoiceStatus }>;
  payment: PaymentView;
}

interface PaymentFacts {
  id: string;
  status: PaymentView['status'];
  stripe_payment_intent_id: string | null;
  failure_code: string | null;
  decline_code: string | null;
  stripe_payment_method_id: string | null;
}

async function facts(scope: ClientScope, paymentId: string): Promise<PaymentFacts> {
  const row = (await scope
    .from('payments')
    .leftJoin('payment_methods as m', (j) => j.on('m.installation_id', 'payments.installation_id').andOn('m.id', 'payments.payment_method_id'))
    .where('payments.id', paymentId)
    .first('payments.id', 'payments.status', 'payments.stripe_payment_intent_id', 'payments.failure_code', 'payments.decline_code', 'm.stripe_payment_method_id')) as PaymentFacts | undefined;
  if (!row) throw new AppError('PAYMENT_NOT_FOUND');
  return row;
}

async function stripeFor(ctx: AppContext, scope: ClientScope): Promise<Stripe> {
  return (await ctx.stripe.forInstallation(ctx.db, scope.installationId)).stripe;
}

async function sync(ctx: AppContext, scope: InstallationScope, stripe: Stripe, intentId: string): Promise<void> {
  await syncPaymentIntent({ scope, stripe, clock: ctx.clock, logger: ctx.logger, publicUrl: ctx.config.publicUrl, paymentIntentId: intentId });
}

async function buildView(scope: ClientScope, paymentId: string): Promise<AuthenticationView> {
  const p = await facts(scope, paymentId);
  const payment = await loadPaymentView(installationScopeOfClient(scope), paymentId);
  const ids = payment.invoices.map((i) => i.id);
  const invoices = ids.length
    ? ((await scope.from('invoices').whereIn('id', ids).orderBy('number').select('id', 'number', 'due_date', 'amount_remaining', 'status')) as Array<{ id: string; number: string; due_date: string; amount_remaining: number; status: InvoiceStatus }>)
    : [];
  const pendingSplit = ids.length
    ? Boolean(await installationScopeOfClient(scope).from('allocations').where({ payment_id: paymentId, state: 'pending' }).first('id'))
    : false;
  const code = p.decline_code && AUTHENTICATION_CODES.has(p.decline_code) ? p.decline_code : p.failure_code;
  const confirmable = p.status === 'requires_action' || (p.status === 'failed' && code !== null && AUTHENTICATION_CODES.has(code));
  const state: AuthenticationState =
    payment.status === 'succeeded' ? 'succeeded' : payment.status === 'processing' ? 'processing' : confirmable && pendingSplit && p.stripe_payment_intent_id ? 'needs_authentication' : 'unavailable';
  const numbers = invoices.map((i) => i.number).join(', ');
  const settled = invoices.length > 0 && invoices.every((i) => i.status === 'paid' || i.status === 'overpaid' || i.status === 'void' || i.amount_remaining <= 0);
  const message = (() => {
    switch (state) {
      case 'succeeded':
        return 'Thank you — the payment went through and your receipt is on its way by email.';
      case 'processing':
        return 'Your payment is being processed.';
      case 'needs_authentication':
        return `Your bank asks you to confirm this payment${payment.methodLabel ? ` with ${payment.methodLabel}` : ''}. Nothing has been charged yet.`;
      case 'unavailable':
        return settled
          ? `Nothing more to do: ${invoices.length === 1 ? `invoice ${numbers} is` : `invoices ${numbers} are`} already settled.`
          : 'This automatic payment can no longer be confirmed, and nothing was charged for it. You can pay the invoice now instead.';
      default: {
        const unknown: never = state;
        throw new Error(`unknown authentication state ${String(unknown)}`);
      }
    }
  })();
  return {
    paymentId,
    state,
    message,
    amount: payment.amount,
    currency: payment.currency,
    methodLabel: payment.methodLabel,
    invoices: invoices.map((i) => ({ id: i.id, number: i.number, dueDate: i.due_date, amountRemaining: i.amount_remaining, status: i.status })),
    payment,
  };
}

/** Where the payment stands, re-read from Stripe first. Read-only apart from that convergent sync. PAYMENT_NOT_FOUND for other clients' payments. */
export async function getPaymentAuthentication(ctx: AppContext, scope: ClientScope, paymentId: string): Promise<AuthenticationView> {
  const p = await facts(scope, paymentId);
  if (p.stripe_payment_intent_id && p.status !== 'succeeded' && p.status !== 'canceled') {
    await sync(ctx, installationScopeOfClient(scope), await stripeFor(ctx, scope), p.stripe_payment_intent_id);
  }
  return buildView(scope, paymentId);
}

/**
 * Confirms the payment's intent again on-session with its saved card, so the bank can challenge the
 * client. Returns the client secret for Stripe.js (null when nothing is left to authenticate: already
 * paid or processing). PAYMENT_AUTHENTICATION_UNAVAILABLE when the intent can no longer be confirmed.
 * Idempotent in effect: an intent already waiting for authentication is not confirmed again, and an
 * intent can only ever succeed once. Audited.
 */
export async function startPaymentAuthentication(ctx: AppContext, scope: ClientScope, paymentId: string, actor: AuditActor & { ip?: string | undefined }): Promise<{ authentication: AuthenticationView; clientSecret: string | null }> {
  const before = await getPaymentAuthentication(ctx, scope, paymentId);
  if (before.state === 'succeeded' || before.state === 'processing') return { authentication: before, clientSecret: null };
  if (before.state !== 'needs_authentication') throw new AppError('PAYMENT_AUTHENTICATION_UNAVAILABLE', { message: before.message });
  const p = await facts(scope, paymentId);
  const stripe = await stripeFor(ctx, scope);
  const intentId = p.stripe_payment_intent_id!;
  let intent: Stripe.PaymentIntent = await stripe.paymentIntents.retrieve(intentId);
  if (intent.status === 'requires_payment_method') {
    const method = p.stripe_payment_method_id ?? intent.last_payment_error?.payment_method?.id;
    if (!method) throw new AppError('PAYMENT_AUTHENTICATION_UNAVAILABLE');
    try {
      // On-session: no off_session flag, so the bank may ask the client to authenticate now.
      intent = await stripe.paymentIntents.confirm(intentId, { payment_method: method });
    } catch (err) {
      const failed = err instanceof Stripe.errors.StripeError ? (err.raw as { payment_intent?: Stripe.PaymentIntent }).payment_intent : undefined;
      if (!failed) throw err instanceof Stripe.errors.StripeError && !(err instanceof Stripe.errors.StripeCardError) ? new AppError('STRIPE_UNAVAILABLE', { cause: err }) : err;
      intent = failed;
    }
  }
  const installation = installationScopeOfClient(scope);
  await sync(ctx, installation, stripe, intentId);
  await recordAudit(
    installation,
    { actor, action: 'payment.authentication_started', subjectType: 'payment', subjectId: paymentId, clientId: scope.clientId, details: { stripeStatus: intent.status }, ip: actor.ip },
    ctx.clock,
  );
  const authentication = await buildView(scope, paymentId);
  return { authentication, clientSecret: intent.status === 'requires_action' ? intent.client_secret : null };
}
