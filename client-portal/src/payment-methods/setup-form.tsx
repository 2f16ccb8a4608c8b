import { PaymentElement, useElements, useStripe } from '@stripe/react-stripe-js';
import type { SetupIntentResult, StripeError } from '@stripe/stripe-js';
import { useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { describeError } from '../../../ui-kit/components/error-state';
import { Loading } from '../../../ui-kit/components/loading';
import { ElementsProvider } from '../stripe/elements-provider';
import type { StripeConfig } from '../stripe/use-stripe-config';
import { paymentMethodsApi } from './api';
import type { PaymentMethodType, PaymentMethodView, SetupResponse } from './types';

/** A Stripe.js error in words a client can act on. */
export function describeStripeError(error: StripeError, type: PaymentMethodType): string {
  const message = error.message ?? '';
  if (error.type === 'validation_error') return message || 'Some details are missing or not valid. Check the highlighted fields.';
  if (error.type === 'card_error') {
    const next = error.code === 'incorrect_cvc' || error.code === 'incorrect_number' ? 'Check the details and try again.' : 'Try another card, or contact your bank.';
    return `${message || 'Your card was declined.'} ${next}`;
  }
  const what = type === 'card' ? 'card' : 'bank account';
  return `We couldn’t save your ${what}.${message ? ` ${message}` : ''} Try again in a moment.`;
}

export function returnUrlFor(paymentMethodId: string): string {
  return `${window.location.origin}/portal/payment-methods/${encodeURIComponent(paymentMethodId)}/return`;
}

interface SetupFormProps {
  type: PaymentMethodType;
  setup: SetupResponse;
  submitLabel: string;
  busyLabel: string;
  /** Called with the refreshed method after Stripe confirmed the SetupIntent. */
  onSaved: (method: PaymentMethodView) => void;
  onCancel: () => void;
}

function SetupFormInner({ type, setup, submitLabel, busyLabel, onSaved, onCancel }: SetupFormProps) {
  const stripe = useStripe();
  const elements = useElements();
  const [ready, setReady] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const errorRef = useRef<HTMLDivElement>(null);
  const inFlight = useRef(false);

  function fail(message: string, focusElement: boolean) {
    setError(message);
    setSubmitting(false);
    inFlight.current = false;
    requestAnimationFrame(() => {
      if (focusElement) elements?.getElement('payment')?.focus();
      else errorRef.current?.focus();
    });
  }

  async function handleSubmit(event: FormEvent) {
    event.preventDefault();
    if (!stripe || !elements || inFlight.current) return;
    inFlight.current = true;
    setSubmitting(true);
    setError(null);
    let result: SetupIntentResult;
    try {
      result = await stripe.confirmSetup({
        elements,
        redirect: 'if_required',
        confirmParams: { return_url: returnUrlFor(setup.paymentMethod.id) },
      });
    } catch {
      fail('We couldn’t reach Stripe, our payment processor. Check your connection and try again.', false);
      return;
    }
    if (result.error) {
      fail(describeStripeError(result.error, type), result.error.type === 'validation_error');
      return;
    }
    try {
      const { paymentMethod } = await paymentMethodsApi.refresh(setup.paymentMethod.id);
      onSaved(paymentMethod);
    } catch (err) {
      fail(`Your details reached Stripe, but we couldn’t update your list yet. ${describeError(err)}`, false);
    }
  }

  return (
    <form className="form setup-form" onSubmit={(e) => void handleSubmit(e)} noValidate aria-busy={submitting}>
      <div className="stripe-element">
        {!ready && !loadError && <Loading label="Loading the secure form…" />}
        <PaymentElement
          options={{ layout: 'tabs' }}
          onReady={() => setReady(true)}
          onLoadError={(e) => setLoadError(e.error.message ?? 'The secure form could not be loaded.')}
          onChange={() => error && setError(null)}
        />
      </div>
      {loadError && (
        <div className="alert alert--error" role="alert">
          The secure payment form couldn’t load. {loadError} Reload the page to try again.
        </div>
      )}
      {error && (
        <div className="alert alert--error" role="alert" tabIndex={-1} ref={errorRef}>
          {error}
        </div>
      )}
      <div className="form-actions">
        <button type="submit" className="btn btn--primary" disabled={!stripe || !elements || !ready || submitting}>
          {submitting ? busyLabel : submitLabel}
        </button>
        <button type="button" className="btn btn--secondary" onClick={onCancel} disabled={submitting}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** The Payment Element for one SetupIntent, confirmed with `confirmSetup({redirect: 'if_required'})`, then refreshed. */
export function SetupForm(props: SetupFormProps & { config: StripeConfig }) {
  const { config, ...rest } = props;
  return (
    <ElementsProvider key={props.setup.clientSecret} config={config} clientSecret={props.setup.clientSecret}>
      <SetupFormInner {...rest} />
    </ElementsProvider>
  );
}
