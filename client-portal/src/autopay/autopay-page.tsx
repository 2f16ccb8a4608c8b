import { useEffect, useId, useRef, useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { isApiError } from '../../../ui-kit/api-client';
import { Badge } from '../../../ui-kit/components/badge';
import { describeError, ErrorState } from '../../../ui-kit/components/error-state';
import { Loading } from '../../../ui-kit/components/loading';
import { PageHeader } from '../../../ui-kit/components/page-header';
import { formatDate, formatTimestamp } from '../../../ui-kit/dates';
import { formatMoney } from '../../../ui-kit/money';
import { useSession } from '../auth/session';
import { paymentMethodsApi, useAutopay, usePaymentMethods } from '../payment-methods/api';
import { isUsable, methodDetail } from '../payment-methods/display';
import { MethodIcon } from '../payment-methods/icons';
import type { AutopayView, PaymentMethodView, ScheduledCharge } from '../payment-methods/types';

function todayLocal(): string {
  const now = new Date();
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
}

function StatusCard({
  autopay,
  method,
  actions,
}: {
  autopay: AutopayView;
  method: PaymentMethodView | undefined;
  actions?: ReactNode;
}) {
  const paused = autopay.enabled && autopay.pausedReason;
  return (
    <section className="card autopay-status" aria-labelledby="autopay-status-title">
      <div className="card__body">
        <div className="autopay-status__row">
          <h2 className="card__title" id="autopay-status-title">
            Autopay is {autopay.enabled ? (paused ? 'paused' : 'on') : 'off'}
          </h2>
          <Badge tone={autopay.enabled ? (paused ? 'warning' : 'success') : 'neutral'}>{autopay.enabled ? (paused ? 'Paused' : 'On') : 'Off'}</Badge>
        </div>
        <p className="muted">
          {autopay.enabled
            ? `Invoices are charged to ${method?.label ?? 'your autopay method'} on their due dates.`
            : 'Turn it on to have invoices charged automatically on their due dates. You can turn it off at any time.'}
          {autopay.enabled && autopay.consentAcceptedAt && ` You authorized this on ${formatTimestamp(autopay.consentAcceptedAt)}.`}
        </p>
        {autopay.maxAmount !== null && <p className="muted">{`Invoices above ${formatMoney(autopay.maxAmount, autopay.currency)} are never charged automatically.`}</p>}
        {actions && <div className="form-actions autopay-status__actions">{actions}</div>}
      </div>
      {paused && (
        <div className="callout callout--warning autopay-paused" role="status">
          <span>
            <strong>Autopay is paused:</strong> {autopay.pausedReason} Choose a method below and agree again to resume.
          </span>
        </div>
      )}
    </section>
  );
}

function chargeText(row: ScheduledCharge, autopay: AutopayView): { text: string; tone: 'ok' | 'warn' | 'muted'; manual: boolean } {
  if (!row.willCharge && autopay.maxAmount !== null && row.amountRemaining > autopay.maxAmount) {
    return { text: `Above the ${formatMoney(autopay.maxAmount, row.currency)} autopay limit — pay it manually`, tone: 'warn', manual: true };
  }
  if (row.willCharge) {
    return row.dueDate <= todayLocal()
      ? { text: 'Charged at the next autopay run (already due)', tone: 'ok', manual: false }
      : { text: `Will be charged on ${formatDate(row.dueDate, undefined, 'long')}`, tone: 'ok', manual: false };
  }
  if (!autopay.enabled) return { text: 'Not scheduled — autopay is off', tone: 'muted', manual: false };
  return { text: row.reason ?? 'Not charged automatically', tone: 'warn', manual: false };
}

function ScheduleCard({ autopay }: { autopay: AutopayView }) {
  const rows = autopay.scheduled;
  return (
    <section className="card" aria-labelledby="schedule-title">
      <div className="card__header">
        <h2 className="card__title" id="schedule-title">
          {autopay.enabled ? 'What autopay will charge' : 'Open invoices'}
        </h2>
      </div>
      {rows.length === 0 ? (
        <p className="card__body muted">No open invoices right now. New invoices show up here when they are issued.</p>
      ) : (
        <div className="table-scroll">
          <table className="table schedule-table">
            <thead>
              <tr>
                <th scope="col">Invoice</th>
                <th scope="col">Due</th>
                <th scope="col" className="is-numeric">
                  Amount
                </th>
                <th scope="col">Autopay</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => {
                const charge = chargeText(row, autopay);
                return (
                  <tr key={row.invoiceId}>
                    <td className="nowrap" data-label="Invoice">
                      <Link to={`/invoices/${row.invoiceId}`}>{row.number}</Link>
                    </td>
                    <td className="nowrap" data-label="Due">
                      {formatDate(row.dueDate)}
                    </td>
                    <td className="is-numeric" data-label="Amount">{formatMoney(row.amountRemaining, row.currency)}</td>
                    <td className={`schedule__note schedule__note--${charge.tone}`} data-label="Autopay">
                      {charge.text}
                      {charge.manual && (
                        <>
                          {' · '}
                          <Link to={`/invoices/${row.invoiceId}`}>Pay {row.number}</Link>
                        </>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

interface FormErrors {
  method?: string;
  consent?: string;
}

function AutopayForm({
  autopay,
  methods,
  onSaved,
  onCancel,
  focusOnMount = false,
}: {
  autopay: AutopayView;
  methods: PaymentMethodView[];
  onSaved: (next: AutopayView, message: string) => void;
  /** Shown while changing an autopay that is already on. */
  onCancel?: () => void;
  focusOnMount?: boolean;
}) {
  const usable = methods.filter((m) => isUsable(m));
  const initial = usable.find((m) => m.id === autopay.paymentMethodId)?.id ?? usable.find((m) => m.isDefault)?.id ?? (usable.length === 1 ? usable[0]!.id : '');
  const [chosenId, setMethodId] = useState(initial);
  // A chosen method that disappeared (removed, failed) falls back to the default choice.
  const methodId = usable.some((m) => m.id === chosenId) ? chosenId : initial;
  const [consent, setConsent] = useState(false);
  const [errors, setErrors] = useState<FormErrors>({});
  const [submitting, setSubmitting] = useState(false);
  const [serverError, setServerError] = useState<string | null>(null);
  const firstRadioRef = useRef<HTMLInputElement>(null);
  const consentRef = useRef<HTMLInputElement>(null);
  const inFlight = useRef(false);
  const id = useId();
  const changing = autopay.enabled && !autopay.pausedReason;

  // Opened with "Change payment method": continue at the choice.
  useEffect(() => {
    if (focusOnMount) firstRadioRef.current?.focus();
  }, [focusOnMount]);

  async function handleSubmit(event: FormEvent) {
    event.preventDefault();
    if (inFlight.current) return;
    setServerError(null);
    const next: FormErrors = {
      method: methodId ? undefined : 'Choose the payment method autopay should charge.',
      consent: consent ? undefined : 'Tick the box to authorize automatic charges.',
    };
    setErrors(next);
    if (next.method || next.consent) {
      (next.method ? firstRadioRef : consentRef).current?.focus();
      return;
    }
    inFlight.current = true;
    setSubmitting(true);
    try {
      const { autopay: saved } = await paymentMethodsApi.saveAutopay({ enabled: true, paymentMethodId: methodId, acceptConsent: true });
      const label = usable.find((m) => m.id === methodId)?.label ?? 'your payment method';
      onSaved(saved, changing ? `Autopay now charges ${label}.` : `Autopay is on. Invoices will be charged to ${label} on their due dates.`);
    } catch (err) {
      if (isApiError(err) && err.code === 'PAYMENT_METHOD_NOT_USABLE') {
        setErrors({ method: 'That payment method isn’t verified (or was removed). Choose another one.' });
        firstRadioRef.current?.focus();
      } else if (isApiError(err) && err.code === 'AUTOPAY_CONSENT_REQUIRED') {
        setErrors({ consent: err.message });
        consentRef.current?.focus();
      } else {
        setServerError(describeError(err));
      }
    } finally {
      inFlight.current = false;
      setSubmitting(false);
    }
  }

  const pending = methods.some((m) => m.status === 'pending_verification');
  if (usable.length === 0) {
    return (
      <section className="card" aria-labelledby={`${id}-title`}>
        <div className="card__header">
          <h2 className="card__title" id={`${id}-title`}>
            Choose how to pay
          </h2>
        </div>
        <div className="card__body stack-sm">
          <p>
            Autopay needs a verified card or bank account, and you don’t have one yet.
            {pending && ' A bank account you added is still waiting for verification.'}
          </p>
          <div className="form-actions">
            <Link className="btn btn--primary" to="/payment-methods">
              {pending ? 'Go to payment methods' : 'Add a payment method'}
            </Link>
          </div>
        </div>
      </section>
    );
  }

  const methodErrorId = `${id}-method-error`;
  const consentErrorId = `${id}-consent-error`;
  const consentTextId = `${id}-consent-text`;
  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <div className="card__header">
        <h2 className="card__title" id={`${id}-title`} tabIndex={-1}>
          {changing ? 'Change the autopay method' : autopay.enabled ? 'Resume autopay' : 'Turn on autopay'}
        </h2>
      </div>
      <form className="form card__body" onSubmit={(e) => void handleSubmit(e)} noValidate aria-busy={submitting}>
        <fieldset className="fieldset" aria-describedby={errors.method ? methodErrorId : undefined}>
          <legend className="field__label">Pay with</legend>
          <p className="field__hint">Only verified methods can be used for autopay.</p>
          <div className="radio-list">
            {usable.map((m, index) => (
              <label key={m.id} className={`radio-card${methodId === m.id ? ' radio-card--checked' : ''}`}>
                <input
                  ref={index === 0 ? firstRadioRef : undefined}
                  type="radio"
                  name={`${id}-method`}
                  value={m.id}
                  checked={methodId === m.id}
                  onChange={() => {
                    setMethodId(m.id);
                    setErrors((e) => ({ ...e, method: undefined }));
                  }}
                  aria-invalid={Boolean(errors.method)}
                />
                <MethodIcon type={m.type} />
                <span className="radio-card__text">
                  <span className="radio-card__title">{m.label}</span>
                  <span className="radio-card__sub">
                    {[
                      autopay.enabled && m.id === autopay.paymentMethodId ? 'Current autopay method' : null,
                      methodDetail(m),
                      m.isDefault ? 'Default' : null,
                      m.type === 'us_bank_account' ? 'Takes up to 4 business days' : null,
                    ]
                      .filter(Boolean)
                      .join(' · ')}
                  </span>
                </span>
              </label>
            ))}
          </div>
          {errors.method && (
            <p className="field__error" id={methodErrorId}>
              {errors.method}
            </p>
          )}
          {methods.some((m) => !isUsable(m)) && (
            <p className="field__hint">
              Methods that are not verified yet aren’t listed. <Link to="/payment-methods">Manage payment methods</Link>
            </p>
          )}
        </fieldset>

        <div className="field">
          <span className="field__label" id={`${id}-consent-title`}>
            Autopay authorization
          </span>
          <div className="mandate-box" id={consentTextId} tabIndex={0} role="region" aria-labelledby={`${id}-consent-title`}>
            {autopay.consentText}
          </div>
          <label className="checkbox">
            <input
              ref={consentRef}
              type="checkbox"
              checked={consent}
              onChange={(e) => {
                setConsent(e.target.checked);
                if (e.target.checked) setErrors((x) => ({ ...x, consent: undefined }));
              }}
              aria-invalid={Boolean(errors.consent)}
              aria-describedby={errors.consent ? `${consentErrorId} ${consentTextId}` : consentTextId}
            />
            <span>I agree to the autopay authorization above.</span>
          </label>
          {errors.consent && (
            <p className="field__error" id={consentErrorId}>
              {errors.consent}
            </p>
          )}
        </div>

        {serverError && (
          <div className="alert alert--error" role="alert">
            We couldn’t save autopay. {serverError}
          </div>
        )}
        <div className="form-actions">
          <button type="submit" className="btn btn--primary" disabled={submitting}>
            {submitting ? 'Saving…' : changing ? 'Save changes' : autopay.enabled ? 'Resume autopay' : 'Turn on autopay'}
          </button>
          {onCancel && (
            <button type="button" className="btn btn--secondary" onClick={onCancel} disabled={submitting}>
              Cancel
            </button>
          )}
        </div>
      </form>
    </section>
  );
}

/** Autopay on/off, the method it charges, the authorization, and what it will charge when. */
export function AutopayPage() {
  const session = useSession();
  const autopay = useAutopay();
  const methods = usePaymentMethods();
  const [current, setCurrent] = useState<AutopayView | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);
  const [turningOff, setTurningOff] = useState(false);
  const [offError, setOffError] = useState<string | null>(null);
  const noticeRef = useRef<HTMLDivElement>(null);
  const changeRef = useRef<HTMLButtonElement>(null);

  const view = current ?? autopay.data?.autopay;
  const error = autopay.error ?? methods.error;

  function saved(next: AutopayView, message: string) {
    setCurrent(next);
    setNotice(message);
    setEditing(false);
    setOffError(null);
    methods.reload();
    requestAnimationFrame(() => noticeRef.current?.focus());
  }

  async function turnOff() {
    if (turningOff) return;
    setTurningOff(true);
    setOffError(null);
    try {
      const { autopay: next } = await paymentMethodsApi.saveAutopay({ enabled: false });
      saved(next, 'Autopay is off. Nothing will be charged automatically.');
    } catch (err) {
      setOffError(`We couldn’t turn autopay off. ${describeError(err)}`);
    } finally {
      setTurningOff(false);
    }
  }

  let content;
  if (error && (!view || !methods.data)) {
    content = (
      <ErrorState
        error={error}
        title="We couldn’t load autopay"
        onRetry={() => {
          autopay.reload();
          methods.reload();
        }}
      />
    );
  } else if (!view || !methods.data) {
    content = <Loading label="Loading autopay…" />;
  } else {
    const method = methods.data.methods.find((m) => m.id === view.paymentMethodId);
    const running = view.enabled && !view.pausedReason;
    const canChange = methods.data.methods.some((m) => isUsable(m));
    content = (
      <>
        {notice && (
          <div className="alert alert--success" role="status" tabIndex={-1} ref={noticeRef}>
            {notice}
          </div>
        )}
        {offError && (
          <div className="alert alert--error" role="alert">
            {offError}
          </div>
        )}
        <StatusCard
          autopay={view}
          method={method}
          actions={
            view.enabled ? (
              <>
                {running && !editing && canChange && (
                  <button type="button" className="btn btn--secondary" ref={changeRef} onClick={() => setEditing(true)} disabled={turningOff}>
                    Change payment method
                  </button>
                )}
                <button type="button" className="btn btn--danger-outline" onClick={() => void turnOff()} disabled={turningOff}>
                  {turningOff ? 'Turning off…' : 'Turn off autopay'}
                </button>
              </>
            ) : undefined
          }
        />
        {(!running || editing) && (
          <AutopayForm
            key={`${view.enabled}-${view.paymentMethodId ?? ''}`}
            autopay={view}
            methods={methods.data.methods}
            onSaved={saved}
            onCancel={
              running
                ? () => {
                    setEditing(false);
                    requestAnimationFrame(() => changeRef.current?.focus());
                  }
                : undefined
            }
            focusOnMount={editing}
          />
        )}
        <ScheduleCard autopay={view} />
      </>
    );
  }

  return (
    <>
      <title>{`Autopay · ${session.msp.name}`}</title>
      <PageHeader title="Autopay" description={`Let ${session.msp.name} charge your invoices automatically on their due dates.`} />
      <div className="stack narrow">{content}</div>
    </>
  );
}
