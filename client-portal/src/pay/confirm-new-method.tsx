import { PaymentElement, useElements, useStripe } from '@stripe/react-stripe-js';
import type { StripeError } from '@stripe/stripe-js';
import { useRef, useState } from 'react';
import type { FormEvent } from 'react';
import type { StripeConfig } from '../../../ui-kit/stripe';
import { ElementsProvider } from '../stripe';

interface ConfirmNewMethodProps {
  config: StripeConfig;
  /** The PaymentIntent's client secret, from the server. */
  clientSecret: string;
  /** e.g. "Pay $1,250.00". */
  submitLabel: string;
  /** Where Stripe sends the browser back to if a method needs a redirect (cards and ACH do not). */
  returnUrl: string;
  /**
   * Called once Stripe.js has answered: `null` when the payment was submitted, or the decline. The
   * caller asks the server for the outcome (refresh) and shows it; a rejection is shown here.
   */
  onConfirmed: (stripeError: StripeError | null) => Promise<void>;
  /** Reports "submitting" so the surrounding dialog can refuse to close meanwhile. */
  onBusyChange?: (busy: boolean) => void;
  secondaryAction?: { label: string; onClick: () => void };
}

function ConfirmForm({ submitLabel, returnUrl, onConfirmed, onBusyChange, secondaryAction }: Omit<ConfirmNewMethodProps, 'config' | 'clientSecret'>) {
  const stripe = useStripe();
  const elements = useElements();
  const [ready, setReady] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // A ref, not state: a second click in the same frame must not submit twice.
  const submitting = useRef(false);

  function setBusyBoth(value: boolean) {
    submitting.current = value;
    setBusy(value);
    onBusyChange?.(value);
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (submitting.current || !stripe || !elements) return;
    setBusyBoth(true);
    setError(null);
    try {
      const result = await stripe.confirmPayment({ elements, redirect: 'if_required', confirmParams: { return_url: returnUrl } });
      if (result.error?.type === 'validation_error') {
        setError(result.error.message ?? 'Check the details above.');
        setBusyBoth(false);
        return;
      }
      await onConfirmed(result.error ?? null);
    } catch (cause) {
      setError(cause instanceof Error && cause.message ? cause.message : 'Something went wrong. Try again in a moment.');
    }
    setBusyBoth(false);
  }

  return (
    <form className="pay-form" onSubmit={submit} noValidate aria-busy={busy}>
      <div className="payment-element">
        {!ready && (
          <div className="loading" role="status">
            <span className="spinner" aria-hidden="true" />
            <span className="loading__label">Loading secure payment form…</span>
          </div>
        )}
        <PaymentElement onReady={() => setReady(true)} />
      </div>
      {error && (
        <p className="alert alert--error" role="alert">
          {error}
        </p>
      )}
      <div className="pay-actions">
        {secondaryAction && (
          <button type="button" className="btn btn--secondary" onClick={secondaryAction.onClick} disabled={busy}>
            {secondaryAction.label}
          </button>
        )}
        <button type="submit" className="btn btn--primary btn--lg" disabled={!stripe || !ready || busy}>
          {busy && <span className="spinner spinner--inline" aria-hidden="true" />}
          {busy ? 'Paying…' : submitLabel}
        </button>
      </div>
    </form>
  );
}

/** The Payment Element for one PaymentIntent plus its Pay button (new card or bank account). */
export function ConfirmNewMethod({ config, clientSecret, ...rest }: ConfirmNewMethodProps) {
  return (
    <ElementsProvider key={clientSecret} config={config} clientSecret={clientSecret}>
      <ConfirmForm {...rest} />
    </ElementsProvider>
  );
}
