// "Add a payment method on the client's behalf": the technician confirms how the client authorized
// it (the exact text is shown and recorded), then enters the card in Stripe's Payment Element or the
// bank account in Stripe's bank account dialog (collectBankAccountForSetup). Card and bank details go
// to Stripe, never to Settle. A bank account's debit authorization is sent to Stripe by the server as
// an offline mandate acceptance. Loaded on demand (Stripe.js stays out of the main bundle).
import { Elements, PaymentElement, useElements, useStripe } from '@stripe/react-stripe-js';
import type { Appearance, StripeError } from '@stripe/stripe-js';
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import type { AddMethodOptions } from '../../../server/staff-payment-methods/add-method-options';
import type { AuthorizationChannel } from '../../../server/staff-payment-methods/authorization-texts';
import type { PaymentMethodType, PaymentMethodView } from '../../../server/portal-payment-methods/payment-method-view';
import { describeError, ErrorState } from '../../../ui-kit/components/error-state';
import { Loading } from '../../../ui-kit/components/loading';
import { getStripe } from '../../../ui-kit/stripe';
import { useResource } from '../../../ui-kit/use-resource';
import { api } from '../api';
import { CHANNEL_WORDS, ChannelSelect } from './authorization-channel';

interface SetupResponse {
  paymentMethod: PaymentMethodView;
  clientSecret: string;
}

export interface AddMethodPanelProps {
  clientId: string;
  onDone: (method: PaymentMethodView) => void;
  onCancel: () => void;
}

const appearance: Appearance = {
  theme: 'stripe',
  variables: { colorPrimary: '#4f46e5', colorText: '#101828', colorDanger: '#b42318', fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif', borderRadius: '8px' },
};

const TYPE_NAMES: Record<PaymentMethodType, string> = { card: 'card', us_bank_account: 'bank account' };

function stripeErrorText(error: StripeError, type: PaymentMethodType): string {
  if (error.type === 'validation_error') return error.message ?? 'Some details are missing or not valid.';
  if (error.type === 'card_error') return `${error.message ?? 'The card was declined.'} Check the details with the client, or use another card.`;
  return `Stripe could not save the ${TYPE_NAMES[type]}.${error.message ? ` ${error.message}` : ''}`;
}

/** The error (if any), the submit button and Cancel, shared by the steps. */
function FormFooter({ error, busy, disabled = false, label, busyLabel, onCancel }: { error: string | null; busy: boolean; disabled?: boolean; label: string; busyLabel: string; onCancel: () => void }) {
  return (
    <>
      {error && (
        <div className="alert alert--error" role="alert">
          {error}
        </div>
      )}
      <div className="form-actions">
        <button type="submit" className="btn btn--primary" disabled={busy || disabled}>
          {busy ? busyLabel : label}
        </button>
        <button type="button" className="btn btn--secondary" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
      </div>
    </>
  );
}

/** Step 1: which kind of method, how the client authorized it, and the technician's confirmation. */
function AuthorizeStep({ clientId, options, onStarted, onCancel }: { clientId: string; options: AddMethodOptions; onStarted: (type: PaymentMethodType, setup: SetupResponse) => void; onCancel: () => void }) {
  const ids = { text: useId(), error: useId() };
  const [type, setType] = useState<PaymentMethodType>(options.card.offered ? 'card' : 'us_bank_account');
  const [channel, setChannel] = useState<AuthorizationChannel>('phone');
  const [confirmed, setConfirmed] = useState(false);
  const [showError, setShowError] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const checkboxRef = useRef<HTMLInputElement>(null);
  const text = type === 'card' ? options.card.authorizationText : options.usBankAccount.authorizationText;
  const words = CHANNEL_WORDS[channel];

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    if (!confirmed) {
      setShowError(true);
      checkboxRef.current?.focus();
      return;
    }
    setBusy(true);
    setFailure(null);
    try {
      const setup = await api.post<SetupResponse>(`/clients/${encodeURIComponent(clientId)}/payment-methods/setup`, { type, authorization: { channel, confirmed: true, version: options.version } });
      onStarted(type, setup);
    } catch (err) {
      setFailure(describeError(err));
      setBusy(false);
    }
  }

  const choices: Array<{ id: PaymentMethodType; title: string; sub: string; offered: boolean }> = [
    { id: 'card', title: 'Card', sub: options.card.offered ? 'Credit or debit card, saved for later charges' : 'Cards are turned off in payment settings', offered: options.card.offered },
    { id: 'us_bank_account', title: 'US bank account (ACH)', sub: options.usBankAccount.offered ? 'Checking or savings; may need micro-deposit verification' : (options.usBankAccount.unavailableReason ?? 'Not offered'), offered: options.usBankAccount.offered },
  ];

  return (
    <form className="form stack" onSubmit={(e) => void submit(e)} noValidate aria-busy={busy}>
      <fieldset className="fieldset">
        <legend className="field__label">Payment method</legend>
        <div className="radio-list add-method__types">
          {choices.map((c) => (
            <label key={c.id} className={`radio-card${type === c.id ? ' radio-card--checked' : ''}${c.offered ? '' : ' radio-card--disabled'}`}>
              <input type="radio" name="method-type" value={c.id} checked={type === c.id} disabled={!c.offered} onChange={() => { setType(c.id); setConfirmed(false); }} />
              <span className="radio-card__text">
                <span className="radio-card__title">{c.title}</span>
                <span className="radio-card__sub">{c.sub}</span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>
      <ChannelSelect label="How did the client authorize it?" value={channel} onChange={setChannel} />
      <div className="field">
        <span className="field__label">{type === 'card' ? 'Card authorization' : 'Bank debit authorization (ACH mandate)'}</span>
        <div className="mandate-box" id={ids.text} tabIndex={0} role="region" aria-label={type === 'card' ? 'Card authorization' : 'Bank debit authorization'}>
          {text}
        </div>
        <p className="field__hint">Read it to the client (or check it against their signed form). Settle records this text, who confirmed it and when{type === 'us_bank_account' ? ', and Stripe records the debit authorization as accepted offline' : ''}.</p>
      </div>
      <div className="field">
        <label className="checkbox">
          <input
            ref={checkboxRef}
            type="checkbox"
            checked={confirmed}
            onChange={(e) => {
              setConfirmed(e.target.checked);
              if (e.target.checked) setShowError(false);
            }}
            aria-invalid={showError}
            aria-describedby={showError ? `${ids.error} ${ids.text}` : ids.text}
          />
          <span>
            I confirm {options.clientName} authorized {options.mspName} {type === 'card' ? 'to save and charge this card' : 'to debit this bank account'} as described above, {words}.
          </span>
        </label>
        {showError && (
          <p className="field__error" id={ids.error} role="alert">
            Confirm the client’s authorization first. Without it, send the client a setup link instead.
          </p>
        )}
      </div>
      <FormFooter error={failure} busy={busy} label={`Continue to ${TYPE_NAMES[type]} details`} busyLabel="Preparing…" onCancel={onCancel} />
    </form>
  );
}

/** Step 2 for a card: Stripe's Payment Element, confirmed in the page, then refreshed by Settle. */
function CardForm({ clientId, setup, onDone, onCancel }: { clientId: string; setup: SetupResponse; onDone: (m: PaymentMethodView) => void; onCancel: () => void }) {
  const stripe = useStripe();
  const elements = useElements();
  const [ready, setReady] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!stripe || !elements || busy) return;
    setBusy(true);
    setError(null);
    const result = await stripe.confirmSetup({ elements, redirect: 'if_required', confirmParams: { return_url: window.location.href } }).catch(() => null);
    if (!result || result.error) {
      setError(result?.error ? stripeErrorText(result.error, 'card') : 'Stripe could not be reached. Check the connection and try again.');
      setBusy(false);
      return;
    }
    try {
      const { paymentMethod } = await api.post<{ paymentMethod: PaymentMethodView }>(`/clients/${encodeURIComponent(clientId)}/payment-methods/${encodeURIComponent(setup.paymentMethod.id)}/refresh`);
      onDone(paymentMethod);
    } catch (err) {
      setError(`The card reached Stripe, but the list could not be updated yet. ${describeError(err)}`);
      setBusy(false);
    }
  }

  return (
    <form className="form stack" onSubmit={(e) => void submit(e)} noValidate aria-busy={busy}>
      <div className="stripe-element">
        {!ready && <Loading label="Loading the secure card form…" />}
        <PaymentElement options={{ layout: 'tabs' }} onReady={() => setReady(true)} onChange={() => error && setError(null)} />
      </div>
      <FormFooter error={error} busy={busy} disabled={!ready} label="Save card" busyLabel="Saving card…" onCancel={onCancel} />
    </form>
  );
}

/** Step 2 for a bank account: holder name, then Stripe's bank account dialog, then the server confirms with the offline mandate. */
function BankForm({ clientId, options, setup, onDone, onCancel }: { clientId: string; options: AddMethodOptions; setup: SetupResponse; onDone: (m: PaymentMethodView) => void; onCancel: () => void }) {
  const ids = { name: useId(), email: useId(), nameError: useId() };
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [nameError, setNameError] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const nameRef = useRef<HTMLInputElement>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    if (!name.trim()) {
      setNameError(true);
      nameRef.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    const stripe = await getStripe(options.stripe).catch(() => null);
    if (!stripe) {
      setError('Stripe.js could not be loaded. Reload the page and try again.');
      setBusy(false);
      return;
    }
    const billing = { name: name.trim(), ...(email.trim() ? { email: email.trim() } : {}) };
    const collected = await stripe.collectBankAccountForSetup({ clientSecret: setup.clientSecret, params: { payment_method_type: 'us_bank_account', payment_method_data: { billing_details: billing } } }).catch(() => null);
    if (!collected || collected.error) {
      setError(collected?.error ? stripeErrorText(collected.error, 'us_bank_account') : 'Stripe could not be reached. Check the connection and try again.');
      setBusy(false);
      return;
    }
    if (collected.setupIntent.status === 'requires_payment_method') {
      setError('The bank account dialog was closed before the account was linked. Enter the details again when the client is ready.');
      setBusy(false);
      return;
    }
    try {
      const { paymentMethod } = await api.post<{ paymentMethod: PaymentMethodView }>(`/clients/${encodeURIComponent(clientId)}/payment-methods/${encodeURIComponent(setup.paymentMethod.id)}/confirm-bank-account`);
      onDone(paymentMethod);
    } catch (err) {
      setError(describeError(err));
      setBusy(false);
    }
  }

  return (
    <form className="form stack" onSubmit={(e) => void submit(e)} noValidate aria-busy={busy}>
      <p className="pm-accepted">
        <span aria-hidden="true">✓ </span>Debit authorization confirmed. Next, Stripe’s secure dialog asks for the routing and account numbers.
      </p>
      <div className="add-method__grid">
        <div className="field">
          <label className="field__label" htmlFor={ids.name}>
            Account holder name
          </label>
          <input
            ref={nameRef}
            id={ids.name}
            className="input"
            value={name}
            autoComplete="off"
            onChange={(e) => {
              setName(e.target.value);
              if (e.target.value.trim()) setNameError(false);
            }}
            aria-invalid={nameError}
            aria-describedby={nameError ? ids.nameError : undefined}
          />
          {nameError && (
            <p className="field__error" id={ids.nameError} role="alert">
              Enter the name on the bank account.
            </p>
          )}
        </div>
        <div className="field">
          <label className="field__label" htmlFor={ids.email}>
            Email for debit notices <span className="muted">(optional)</span>
          </label>
          <input id={ids.email} className="input" type="email" value={email} autoComplete="off" onChange={(e) => setEmail(e.target.value)} />
        </div>
      </div>
      <FormFooter error={error} busy={busy} label="Enter bank details" busyLabel="Saving bank account…" onCancel={onCancel} />
    </form>
  );
}

export default function AddMethodPanel({ clientId, onDone, onCancel }: AddMethodPanelProps) {
  const { data, error, reload } = useResource(`add-method-options:${clientId}`, (signal) =>
    api.get<AddMethodOptions>(`/clients/${encodeURIComponent(clientId)}/payment-methods/add-options`, { signal }),
  );
  const options = data ?? null;
  const [started, setStarted] = useState<{ type: PaymentMethodType; setup: SetupResponse } | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const stripePromise = useMemo(() => (options ? getStripe(options.stripe) : null), [options]);

  useEffect(() => {
    headingRef.current?.focus();
  }, [started]);

  let body;
  if (error) body = <ErrorState error={error} title="Payment methods can’t be added for this client right now" onRetry={reload} />;
  else if (!options) body = <Loading label="Loading…" />;
  else if (!started) body = <AuthorizeStep clientId={clientId} options={options} onStarted={(type, setup) => setStarted({ type, setup })} onCancel={onCancel} />;
  else if (started.type === 'card')
    body = (
      <Elements key={started.setup.clientSecret} stripe={stripePromise} options={{ clientSecret: started.setup.clientSecret, appearance }}>
        <CardForm clientId={clientId} setup={started.setup} onDone={onDone} onCancel={onCancel} />
      </Elements>
    );
  else body = <BankForm clientId={clientId} options={options} setup={started.setup} onDone={onDone} onCancel={onCancel} />;

  const title = !started ? 'Add a payment method for the client' : started.type === 'card' ? 'Card details' : 'Bank account details';
  return (
    <section className="card add-method" aria-labelledby="add-method-title">
      <div className="card__header">
        <h2 className="card__title" id="add-method-title" tabIndex={-1} ref={headingRef}>
          {title}
        </h2>
        <ol className="steps" aria-label="Steps">
          <li className={started ? 'steps__item steps__item--done' : 'steps__item steps__item--current'} aria-current={started ? undefined : 'step'}>
            Client’s authorization
          </li>
          <li className={started ? 'steps__item steps__item--current' : 'steps__item'} aria-current={started ? 'step' : undefined}>
            Details
          </li>
        </ol>
      </div>
      <div className="card__body">{body}</div>
    </section>
  );
}
