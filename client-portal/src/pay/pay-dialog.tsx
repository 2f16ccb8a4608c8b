import type { StripeError } from '@stripe/stripe-js';
import { useEffect, useEffectEvent, useId, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { isApiError } from '../../../ui-kit/api-client';
import { describeError } from '../../../ui-kit/components/error-state';
import { formatDate } from '../../../ui-kit/dates';
import { formatMoney, formatMoneyInput, parseMoneyInput } from '../../../ui-kit/money';
import type { StripeConfig } from '../../../ui-kit/stripe';
import { useResource } from '../../../ui-kit/use-resource';
import { useSession } from '../auth/session';
import { getStripe, useStripeConfig } from '../stripe';
import { ConfirmNewMethod } from './confirm-new-method';
import { Modal } from './modal';
import { cancelPayment, cancelPaymentOnUnload, createPayment, listPaymentMethods, paymentsInFlight, refreshPayment } from './pay-api';
import { PaymentOutcome } from './payment-outcome';
import { describeInFlight, invoiceNumbers } from './payment-words';
import type { CreatePaymentRequest, MethodType, PayableInvoice, PaymentMethodView, PaymentView } from './types';

type Step =
  | { kind: 'choose' }
  | { kind: 'working'; label: string }
  | { kind: 'collect'; payment: PaymentView; clientSecret: string }
  | { kind: 'done'; payment: PaymentView };

type Choice = `saved:${string}` | `new:${MethodType}`;

interface PayDialogProps {
  /** The invoices to pay, as the server last sent them. Empty when resuming a payment. */
  invoices: PayableInvoice[];
  /** Show the outcome of this payment (back from a Stripe redirect) instead of starting one. */
  resumePaymentId?: string | null;
  /** Portal path (under /portal) Stripe may send the browser back to, e.g. `/invoices/…`. */
  returnPath: string;
  /** `outcome` is the payment the dialog ended with (succeeded, processing, failed…), or null. */
  onClose: (outcome: PaymentView | null) => void;
  /** Something changed on the server (a payment started, ended or was released): reload the page's data. */
  onChanged: () => void;
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

function usableSaved(methods: PaymentMethodView[]): PaymentMethodView[] {
  return methods.filter((method) => method.status === 'active');
}

function defaultChoice(methods: PaymentMethodView[], config: StripeConfig): Choice {
  const usable = usableSaved(methods);
  const preferred = usable.find((method) => method.isDefault) ?? usable[0];
  if (preferred) return `saved:${preferred.id}`;
  return config.methods.card || !config.methods.usBankAccount ? 'new:card' : 'new:us_bank_account';
}

function returnUrlFor(path: string, paymentId: string): string {
  const url = new URL(`/portal${path}`, window.location.origin);
  url.searchParams.set('payment', paymentId);
  return url.toString();
}

/**
 * Paying one or more invoices: amounts (partial only when the MSP allows it), a saved method or a
 * new card / bank account (Stripe's Payment Element), then the outcome in plain words. The Pay
 * button disables on the first click; a payment created for a new method and never submitted is
 * canceled when the dialog closes (or the page goes away), so the invoice is not left "in progress".
 */
export function PayDialog({ invoices, resumePaymentId = null, returnPath, onClose, onChanged }: PayDialogProps) {
  const session = useSession();
  const stripeConfig = useStripeConfig();
  const methods = useResource('portal-payment-methods', (signal) => listPaymentMethods(signal));
  const [step, setStep] = useState<Step>(() => (resumePaymentId ? { kind: 'working', label: 'Checking your payment…' } : { kind: 'choose' }));
  const [collectBusy, setCollectBusy] = useState(false);
  const [error, setError] = useState<{ message: string; inFlight: boolean } | null>(null);
  // After PAYMENT_IN_FLIGHT: the payments already under way for these invoices, as the server has them.
  const [inFlight, setInFlight] = useState<Array<{ invoice: PayableInvoice; payment: PaymentView }>>([]);
  const [choice, setChoice] = useState<Choice | null>(null);
  const [amountText, setAmountText] = useState<Record<string, string>>(() =>
    Object.fromEntries(invoices.map((invoice) => [invoice.id, formatMoneyInput(invoice.amountRemaining, invoice.currency)])),
  );
  const [amountErrors, setAmountErrors] = useState<Record<string, string>>({});
  const submitting = useRef(false);
  // A payment created for a new method that has not been submitted to Stripe yet.
  const unsubmitted = useRef<string | null>(null);
  const errorRef = useRef<HTMLParagraphElement>(null);
  const formId = useId();

  const config = stripeConfig.config;
  const savedMethods = methods.data?.methods ?? [];
  const selected: Choice | null = choice ?? (config && methods.data ? defaultChoice(savedMethods, config) : config && methods.error ? 'new:card' : null);
  const currency = invoices[0]?.currency ?? config?.currency ?? 'USD';
  const partialAllowed = Boolean(config?.partialPayments.allowed);

  const emitChanged = useEffectEvent(onChanged);
  const cancelOnUnmount = useEffectEvent(() => {
    const id = unsubmitted.current;
    if (!id) return;
    unsubmitted.current = null;
    cancelPaymentOnUnload(id, session.csrfToken);
  });

  // Leaving the page (tab closed, reload, navigation) with a payment that was never submitted.
  useEffect(() => {
    const onPageHide = () => cancelOnUnmount();
    window.addEventListener('pagehide', onPageHide);
    return () => {
      window.removeEventListener('pagehide', onPageHide);
      cancelOnUnmount();
    };
  }, []);

  // Back from a Stripe redirect: ask the server where the payment stands.
  useEffect(() => {
    if (!resumePaymentId) return;
    let active = true;
    refreshPayment(resumePaymentId).then(
      (payment) => {
        if (!active) return;
        setStep({ kind: 'done', payment });
        emitChanged();
      },
      (cause: unknown) => {
        if (!active) return;
        setStep({ kind: 'choose' });
        setError({ message: `We couldn’t check that payment. ${describeError(cause)}`, inFlight: false });
      },
    );
    return () => {
      active = false;
    };
  }, [resumePaymentId]);

  useEffect(() => {
    if (error) errorRef.current?.focus();
  }, [error]);

  function parsedAmounts(): { amounts: Record<string, number>; errors: Record<string, string> } {
    const amounts: Record<string, number> = {};
    const errors: Record<string, string> = {};
    for (const invoice of invoices) {
      if (!partialAllowed) {
        amounts[invoice.id] = invoice.amountRemaining;
        continue;
      }
      const parsed = parseMoneyInput(amountText[invoice.id] ?? '', invoice.currency);
      const money = (amount: number) => formatMoney(amount, invoice.currency);
      const minimum = Math.min(config?.partialPayments.minimum ?? 0, invoice.amountRemaining);
      if (!parsed.ok) errors[invoice.id] = parsed.message;
      else if (parsed.amountMinor <= 0) errors[invoice.id] = 'Enter an amount greater than zero.';
      else if (parsed.amountMinor > invoice.amountRemaining) errors[invoice.id] = `You can pay at most ${money(invoice.amountRemaining)}, the amount due.`;
      else if (parsed.amountMinor < minimum) errors[invoice.id] = `The minimum payment is ${money(minimum)}.`;
      else amounts[invoice.id] = parsed.amountMinor;
    }
    return { amounts, errors };
  }

  /**
   * A failed attempt keeps its invoices locked while Stripe could still retry it; once the client
   * moves on (closes, or tries another method) it is canceled so the invoices are free again.
   */
  function releaseFailed() {
    if (step.kind === 'done' && step.payment.status === 'failed') cancelPayment(step.payment.id).then(onChanged, onChanged);
  }

  function requestClose() {
    if (step.kind === 'working' || collectBusy) return;
    if (step.kind === 'collect') {
      unsubmitted.current = null;
      cancelPayment(step.payment.id).then(onChanged, onChanged);
    }
    releaseFailed();
    onClose(step.kind === 'done' ? step.payment : null);
  }

  function startOver() {
    releaseFailed();
    submitting.current = false;
    setError(null);
    setInFlight([]);
    setChoice(null);
    methods.reload();
    setStep({ kind: 'choose' });
  }

  function backFromCollect(payment: PaymentView) {
    unsubmitted.current = null;
    setStep({ kind: 'working', label: 'Going back…' });
    cancelPayment(payment.id)
      .catch(() => undefined)
      .finally(() => {
        onChanged();
        startOver();
      });
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (submitting.current || !config || !selected) return;
    const { amounts, errors } = parsedAmounts();
    setAmountErrors(errors);
    if (Object.keys(errors).length > 0) {
      document.getElementById(`${formId}-amount-${Object.keys(errors)[0]}`)?.focus();
      return;
    }
    submitting.current = true;
    setError(null);
    const request: CreatePaymentRequest = { invoiceIds: invoices.map((invoice) => invoice.id) };
    if (partialAllowed && invoices.some((invoice) => amounts[invoice.id] !== invoice.amountRemaining)) request.amounts = amounts;
    const saved = selected.startsWith('saved:');
    if (saved) request.paymentMethodId = selected.slice('saved:'.length);
    else request.methodType = selected.slice('new:'.length) as MethodType;
    setStep({ kind: 'working', label: saved ? 'Paying…' : 'Preparing the secure payment form…' });
    try {
      const created = await createPayment(request);
      onChanged();
      let payment = created.payment;
      if (!saved) {
        if (!created.clientSecret) throw new Error('The payment could not be started. Try again in a moment.');
        unsubmitted.current = payment.id;
        setStep({ kind: 'collect', payment, clientSecret: created.clientSecret });
        return;
      }
      if (payment.status === 'requires_action' && created.clientSecret) {
        setStep({ kind: 'working', label: 'Waiting for your bank to confirm it’s you…' });
        const stripe = await getStripe(config);
        if (stripe) await stripe.handleNextAction({ clientSecret: created.clientSecret });
        payment = await refreshPayment(payment.id);
        onChanged();
      }
      setStep({ kind: 'done', payment });
    } catch (cause) {
      submitting.current = false;
      const inFlightError = isApiError(cause) && cause.code === 'PAYMENT_IN_FLIGHT';
      if (inFlightError) {
        onChanged();
        setInFlight(await paymentsInFlight(invoices));
      }
      setStep({ kind: 'choose' });
      setError({ message: cause instanceof Error && !isApiError(cause) ? cause.message : describeError(cause), inFlight: inFlightError });
    }
  }

  async function confirmed(payment: PaymentView, stripeError: StripeError | null) {
    unsubmitted.current = null;
    const current = await refreshPayment(payment.id);
    onChanged();
    if (stripeError && current.status === 'pending') {
      // Declined before anything was submitted: the same form can take other details.
      unsubmitted.current = payment.id;
      throw new Error(stripeError.message ?? 'Your payment details were declined. Try another card or account.');
    }
    setStep({ kind: 'done', payment: current });
  }

  // What the person typed, even before it is checked against the minimum: the total follows the input.
  const typed = (invoice: PayableInvoice): number => {
    if (!partialAllowed) return invoice.amountRemaining;
    const parsed = parseMoneyInput(amountText[invoice.id] ?? '', invoice.currency);
    return parsed.ok ? parsed.amountMinor : 0;
  };
  const total = sum(invoices.map(typed));
  const payLabel = `Pay ${formatMoney(total, currency)}`;
  const title =
    invoices.length === 1
        ? `Pay invoice ${invoices[0]!.number}`
        : invoices.length > 1
          ? `Pay ${invoices.length} invoices`
          : 'Payment';

  let content;
  if (step.kind === 'done') {
    content = (
      <PaymentOutcome
        payment={step.payment}
        payee={session.msp.name}
        receiptAction={
          <Link className="btn btn--primary" to={`/receipts/${encodeURIComponent(step.payment.id)}`}>
            View receipt
          </Link>
        }
        retryAction={
          invoices.length > 0 ? (
            <button type="button" className="btn btn--primary" onClick={startOver}>
              Try another payment method
            </button>
          ) : undefined
        }
        closeAction={
          <button type="button" className="btn btn--secondary" onClick={requestClose}>
            {step.payment.status === 'succeeded' || step.payment.status === 'processing' ? 'Done' : 'Close'}
          </button>
        }
      />
    );
  } else if (step.kind === 'working') {
    content = (
      <div className="loading pay-working" role="status" aria-live="polite">
        <span className="spinner" aria-hidden="true" />
        <span className="loading__label">{step.label}</span>
      </div>
    );
  } else if (stripeConfig.loading || (!config && !stripeConfig.error) || (methods.loading && !methods.data && !methods.error)) {
    content = (
      <div className="loading pay-working" role="status">
        <span className="spinner" aria-hidden="true" />
        <span className="loading__label">Loading payment options…</span>
      </div>
    );
  } else if (!config) {
    const unavailable = isApiError(stripeConfig.error) && stripeConfig.error.code === 'ONLINE_PAYMENTS_UNAVAILABLE';
    content = (
      <div className="stack">
        <p className="alert alert--warning" role="alert">
          {unavailable
            ? `Online payments aren’t available for your account. Contact ${session.msp.name} to pay these invoices.`
            : `We couldn’t load the payment options. ${describeError(stripeConfig.error)}`}
        </p>
        <div className="pay-actions">
          <button type="button" className="btn btn--secondary" onClick={() => onClose(null)}>
            Close
          </button>
        </div>
      </div>
    );
  } else if (step.kind === 'collect') {
    const payment = step.payment;
    content = (
      <div className="stack stack--tight">
        <p className="pay-summary">
          <span>
            {payment.methodType === 'us_bank_account' ? 'Bank payment' : 'Card payment'} for {invoiceNumbers(payment) || 'your invoices'}
          </span>
          <strong className="num">{formatMoney(payment.amount, payment.currency)}</strong>
        </p>
        {payment.methodType === 'us_bank_account' && (
          <p className="field__hint">Bank payments usually take 4 business days to clear. Your invoice shows as processing until then.</p>
        )}
        <ConfirmNewMethod
          config={config}
          clientSecret={step.clientSecret}
          submitLabel={`Pay ${formatMoney(payment.amount, payment.currency)}`}
          returnUrl={returnUrlFor(returnPath, payment.id)}
          onConfirmed={(stripeError) => confirmed(payment, stripeError)}
          onBusyChange={setCollectBusy}
          secondaryAction={{ label: 'Back', onClick: () => backFromCollect(payment) }}
        />
      </div>
    );
  } else {
    const achAvailable = config.methods.usBankAccount;
    const isNew = selected?.startsWith('new:') ?? false;
    content = (
      <form className="pay-form" onSubmit={submit} noValidate>
        <section aria-labelledby={`${formId}-invoices`}>
          <h3 className="pay-section-title" id={`${formId}-invoices`}>
            {invoices.length === 1 ? 'Invoice' : 'Invoices'}
          </h3>
          <ul className="pay-invoices">
            {invoices.map((invoice) => {
              const inputId = `${formId}-amount-${invoice.id}`;
              const errorText = amountErrors[invoice.id];
              const minimum = Math.min(config.partialPayments.minimum, invoice.amountRemaining);
              return (
                <li key={invoice.id} className="pay-invoice">
                  <div className="pay-invoice__text">
                    <span className="pay-invoice__number">{invoice.number}</span>
                    <span className="pay-invoice__meta">
                      Due {formatDate(invoice.dueDate)}
                      {partialAllowed && ` · ${formatMoney(invoice.amountRemaining, invoice.currency)} remaining`}
                    </span>
                  </div>
                  {partialAllowed ? (
                    <div className="field pay-invoice__amount">
                      <label className="field__label sr-only" htmlFor={inputId}>
                        Amount to pay for {invoice.number}
                      </label>
                      <input
                        id={inputId}
                        className="input num"
                        inputMode="decimal"
                        autoComplete="off"
                        value={amountText[invoice.id] ?? ''}
                        aria-invalid={errorText ? true : undefined}
                        aria-describedby={`${inputId}-hint`}
                        onChange={(event) => setAmountText((current) => ({ ...current, [invoice.id]: event.target.value }))}
                      />
                      <span className={errorText ? 'field__error' : 'field__hint'} id={`${inputId}-hint`}>
                        {errorText ?? (minimum > 0 ? `Minimum ${formatMoney(minimum, invoice.currency)}` : 'You can pay part of it')}
                      </span>
                    </div>
                  ) : (
                    <span className="pay-invoice__value num">{formatMoney(invoice.amountRemaining, invoice.currency)}</span>
                  )}
                </li>
              );
            })}
          </ul>
          <p className="pay-total">
            <span>Total</span>
            <strong className="num">{formatMoney(total, currency)}</strong>
          </p>
        </section>

        <fieldset className="method-options">
          <legend className="pay-section-title">Pay with</legend>
          {methods.error != null && <p className="field__hint">We couldn’t load your saved payment methods. You can still pay with a new card or bank account.</p>}
          {savedMethods.map((method) => {
            const usable = method.status === 'active';
            const id = `${formId}-saved-${method.id}`;
            return (
              <label key={method.id} className={usable ? 'method-option' : 'method-option is-disabled'} htmlFor={id}>
                <input
                  type="radio"
                  id={id}
                  name="method"
                  value={`saved:${method.id}`}
                  checked={selected === `saved:${method.id}`}
                  disabled={!usable}
                  onChange={() => setChoice(`saved:${method.id}`)}
                />
                <span className="method-option__text">
                  <span className="method-option__label">
                    {method.label}
                    {method.isDefault && <span className="method-option__tag">Default</span>}
                  </span>
                  <span className="method-option__hint">
                    {usable ? (method.type === 'us_bank_account' ? 'Bank debit · usually clears in 4 business days' : 'Charged right away') : method.statusText}
                  </span>
                </span>
              </label>
            );
          })}
          {config.methods.card && (
            <label className="method-option" htmlFor={`${formId}-new-card`}>
              <input type="radio" id={`${formId}-new-card`} name="method" value="new:card" checked={selected === 'new:card'} onChange={() => setChoice('new:card')} />
              <span className="method-option__text">
                <span className="method-option__label">New card</span>
                <span className="method-option__hint">Credit or debit card · charged right away</span>
              </span>
            </label>
          )}
          <label className={achAvailable ? 'method-option' : 'method-option is-disabled'} htmlFor={`${formId}-new-bank`}>
            <input
              type="radio"
              id={`${formId}-new-bank`}
              name="method"
              value="new:us_bank_account"
              checked={selected === 'new:us_bank_account'}
              disabled={!achAvailable}
              onChange={() => setChoice('new:us_bank_account')}
            />
            <span className="method-option__text">
              <span className="method-option__label">New bank account (ACH)</span>
              <span className="method-option__hint">
                {achAvailable
                  ? 'US checking or savings · usually clears in 4 business days'
                  : (config.methods.usBankAccountUnavailableReason ?? 'Bank account payments are not available.')}
              </span>
            </span>
          </label>
        </fieldset>

        {error && (
          <div className="alert alert--error pay-error" role="alert" tabIndex={-1} ref={errorRef}>
            <p>{error.message}</p>
            {error.inFlight && inFlight.length > 0 && (
              <ul className="pay-error__list">
                {inFlight.map(({ invoice, payment }) => (
                  <li key={payment.id}>
                    <strong>{invoice.number}:</strong> {describeInFlight(payment, formatMoney).text}{' '}
                    <Link to={`/invoices/${encodeURIComponent(invoice.id)}`} onClick={() => onClose(null)}>
                      See {invoice.number}
                    </Link>
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}

        <div className="pay-actions">
          <button type="button" className="btn btn--secondary" onClick={requestClose}>
            {error?.inFlight ? 'Close' : 'Cancel'}
          </button>
          <button type="submit" className="btn btn--primary btn--lg" disabled={!selected || Boolean(error?.inFlight)}>
            {isNew ? (selected === 'new:card' ? 'Continue to card details' : 'Continue to bank details') : payLabel}
          </button>
        </div>
      </form>
    );
  }

  return (
    <Modal
      title={title}
      description={step.kind === 'choose' || step.kind === 'collect' ? `Billed by ${session.msp.name}` : undefined}
      onClose={requestClose}
      closable={step.kind !== 'working' && !collectBusy}
    >
      {content}
    </Modal>
  );
}
