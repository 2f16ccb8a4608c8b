import { useId, useRef, useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { isApiError } from '../../../ui-kit/api-client';
import { describeError } from '../../../ui-kit/components/error-state';
import { formatMoney, formatMoneyInput, parseMoneyInput } from '../../../ui-kit/money';
import { parseRetryDays, retryScheduleProblem } from './policy-text';
import type { InstallationSettingsView, SettingsInput } from './types';
import { saveSettings } from './use-setup';

const MAX_TOLERANCE_MINOR = 100_000;
const COMMON_CURRENCIES = ['USD', 'CAD', 'GBP', 'EUR', 'AUD', 'NZD'];

type FieldKey =
  | 'paymentMethods'
  | 'paymentMethods.usBankAccount'
  | 'currency'
  | 'timezone'
  | 'autopay.runAt'
  | 'autopay.retryScheduleDays'
  | 'autopay.achMaxRetries'
  | 'autopay.maxAmount'
  | 'autopay.upcomingNoticeDays'
  | 'underpaymentTolerance';

/** Server paths, most specific first: `autopay.retryScheduleDays.1` belongs to the schedule input. */
const FIELD_KEYS: FieldKey[] = [
  'paymentMethods.usBankAccount',
  'paymentMethods',
  'currency',
  'timezone',
  'autopay.runAt',
  'autopay.retryScheduleDays',
  'autopay.achMaxRetries',
  'autopay.maxAmount',
  'autopay.upcomingNoticeDays',
  'underpaymentTolerance',
];

/** The order the fields appear in, for moving focus to the first error. */
const FOCUS_ORDER: FieldKey[] = [
  'currency',
  'paymentMethods',
  'paymentMethods.usBankAccount',
  'autopay.runAt',
  'timezone',
  'autopay.retryScheduleDays',
  'autopay.achMaxRetries',
  'autopay.maxAmount',
  'autopay.upcomingNoticeDays',
  'underpaymentTolerance',
];

type FieldErrors = Partial<Record<FieldKey, string>>;

interface FormValues {
  card: boolean;
  ach: boolean;
  currency: string;
  timezone: string;
  runAt: string;
  retryDays: string;
  achMaxRetries: string;
  maxAmount: string;
  /** '' = no notice. */
  upcomingNoticeDays: string;
  tolerance: string;
}

function initialValues(settings: InstallationSettingsView): FormValues {
  return {
    card: settings.paymentMethods.card,
    ach: settings.paymentMethods.usBankAccount,
    currency: settings.currency,
    timezone: settings.timezone,
    runAt: settings.autopay.runAt,
    retryDays: settings.autopay.retryScheduleDays.join(', '),
    achMaxRetries: String(settings.autopay.achMaxRetries),
    maxAmount: settings.autopay.maxAmount === null ? '' : formatMoneyInput(settings.autopay.maxAmount, settings.currency),
    upcomingNoticeDays: settings.autopay.upcomingNoticeDays === null ? '' : String(settings.autopay.upcomingNoticeDays),
    tolerance: formatMoneyInput(settings.underpaymentTolerance, settings.currency),
  };
}

function fieldKeyOf(path: string): FieldKey | null {
  return FIELD_KEYS.find((key) => path === key || path.startsWith(`${key}.`)) ?? null;
}

/** Checks the form and builds the request body; money is parsed from the decimal text, never floats. */
function validate(values: FormValues, settings: InstallationSettingsView): { input?: SettingsInput; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const achAllowed = values.currency === 'USD';
  const ach = values.ach && achAllowed;
  if (!values.card && !ach) errors.paymentMethods = 'Turn on at least one way to pay.';
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(values.runAt)) errors['autopay.runAt'] = 'Use a 24-hour time like 09:00.';
  const days = parseRetryDays(values.retryDays);
  if (days === null) errors['autopay.retryScheduleDays'] = 'List whole numbers of days, e.g. 3, 5, 7.';
  else {
    const problem = retryScheduleProblem(days);
    if (problem) errors['autopay.retryScheduleDays'] = problem;
  }
  let maxAmount: number | null = null;
  if (values.maxAmount.trim() !== '') {
    const parsed = parseMoneyInput(values.maxAmount, values.currency);
    if (!parsed.ok) errors['autopay.maxAmount'] = parsed.message;
    else if (parsed.amountMinor <= 0) errors['autopay.maxAmount'] = 'Enter an amount above zero, or leave it empty for no limit.';
    else maxAmount = parsed.amountMinor;
  }
  let tolerance = 0;
  if (values.tolerance.trim() !== '') {
    const parsed = parseMoneyInput(values.tolerance, values.currency);
    if (!parsed.ok) errors.underpaymentTolerance = parsed.message;
    else if (parsed.amountMinor > MAX_TOLERANCE_MINOR) {
      errors.underpaymentTolerance = `Use at most ${formatMoney(MAX_TOLERANCE_MINOR, values.currency)}.`;
    } else tolerance = parsed.amountMinor;
  }
  if (Object.keys(errors).length > 0) return { errors };
  return {
    errors,
    input: {
      currency: values.currency,
      timezone: values.timezone,
      paymentMethods: { card: values.card, usBankAccount: ach },
      autopay: {
        runAt: values.runAt,
        retryScheduleDays: days ?? [],
        achMaxRetries: Number(values.achMaxRetries),
        maxAmount,
        upcomingNoticeDays: values.upcomingNoticeDays === '' ? null : Number(values.upcomingNoticeDays),
      },
      partialPayments: settings.partialPayments,
      underpaymentTolerance: tolerance,
    },
  };
}

function timeZones(current: string): string[] {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return zones.includes(current) ? zones : [current, ...zones];
}

interface ChoiceProps {
  checked: boolean;
  onChange: (checked: boolean) => void;
  title: string;
  children: ReactNode;
  disabled?: boolean;
  describedBy?: string;
  /** Which server field this is, so an error can move focus here. */
  field: FieldKey;
}

function Choice({ checked, onChange, title, children, disabled, describedBy, field }: ChoiceProps) {
  const id = useId();
  return (
    <div className={disabled ? 'setup-choice is-disabled' : 'setup-choice'}>
      <input
        id={id}
        type="checkbox"
        data-field={field}
        checked={checked}
        disabled={disabled}
        onChange={(event) => onChange(event.target.checked)}
        aria-describedby={[`${id}-text`, describedBy].filter(Boolean).join(' ')}
      />
      <label htmlFor={id} className="setup-choice__title">
        {title}
      </label>
      <div className="setup-choice__text" id={`${id}-text`}>
        {children}
      </div>
    </div>
  );
}

function FieldError({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <p className="field__error" id={id}>
      {message}
    </p>
  );
}

interface PaymentMethodsFormProps {
  settings: InstallationSettingsView;
  readOnly: boolean;
  onSaved: (settings: InstallationSettingsView) => void;
  onBack: () => void;
}

/** Step 2: which payment methods clients may use, the autopay policy and the underpayment tolerance. */
export function PaymentMethodsForm({ settings, readOnly, onSaved, onBack }: PaymentMethodsFormProps) {
  const id = useId();
  const [values, setValues] = useState<FormValues>(() => initialValues(settings));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const alertRef = useRef<HTMLDivElement>(null);

  const achAvailable = values.currency === 'USD';
  const ids = (key: FieldKey) => `${id}-${key.replace(/\./g, '-')}`;
  const errorId = (key: FieldKey) => `${ids(key)}-error`;
  const describedBy = (key: FieldKey, ...hints: string[]) =>
    [errors[key] ? errorId(key) : '', ...hints].filter(Boolean).join(' ') || undefined;
  const set = <K extends keyof FormValues>(key: K, value: FormValues[K]) => setValues((current) => ({ ...current, [key]: value }));

  function focusFirstError(found: FieldErrors) {
    const first = FOCUS_ORDER.find((key) => found[key]);
    const target = first ? formRef.current?.querySelector<HTMLElement>(`[data-field="${first}"]`) : null;
    target?.focus();
  }

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (saving || readOnly) return;
    setFormError(null);
    const { input, errors: found } = validate(values, settings);
    setErrors(found);
    if (!input) {
      focusFirstError(found);
      return;
    }
    setSaving(true);
    try {
      const saved = await saveSettings(input);
      setSaving(false);
      onSaved(saved.settings);
    } catch (error) {
      setSaving(false);
      if (isApiError(error) && error.code === 'VALIDATION_FAILED' && error.fields.length > 0) {
        const fromServer: FieldErrors = {};
        const unplaced: string[] = [];
        for (const field of error.fields) {
          const key = fieldKeyOf(field.path);
          if (key) fromServer[key] ??= field.message;
          else unplaced.push(field.message);
        }
        setErrors(fromServer);
        if (unplaced.length > 0 || Object.keys(fromServer).length === 0) {
          setFormError(unplaced.join(' ') || describeError(error));
          requestAnimationFrame(() => alertRef.current?.focus());
        } else focusFirstError(fromServer);
        return;
      }
      setFormError(`We couldn’t save your settings. ${describeError(error)}`);
      requestAnimationFrame(() => alertRef.current?.focus());
    }
  }

  const achHint = `${ids('paymentMethods.usBankAccount')}-why`;
  const currencies = COMMON_CURRENCIES.includes(settings.currency) ? COMMON_CURRENCIES : [settings.currency, ...COMMON_CURRENCIES];

  return (
    <form ref={formRef} className="stack" noValidate onSubmit={handleSubmit} aria-labelledby="setup-step-title">
      {formError && (
        <div className="alert alert--error" role="alert" tabIndex={-1} ref={alertRef}>
          {formError}
        </div>
      )}
      <fieldset className="setup-fieldset" disabled={readOnly || saving}>
        <section className="card" aria-labelledby={`${id}-methods`}>
          <div className="card__header">
            <div>
              <h3 className="card__title" id={`${id}-methods`}>
                How clients can pay
              </h3>
              <p className="card__description">Clients choose among these in the portal and when they turn on autopay.</p>
            </div>
          </div>
          <div className="card__body stack setup-stack-sm">
            <div className="field setup-field-narrow">
              <label className="field__label" htmlFor={ids('currency')}>
                Billing currency
              </label>
              <select
                id={ids('currency')}
                data-field="currency"
                className="input"
                value={values.currency}
                onChange={(event) => set('currency', event.target.value)}
                aria-invalid={errors.currency ? true : undefined}
                aria-describedby={describedBy('currency', `${ids('currency')}-hint`)}
              >
                {currencies.map((code) => (
                  <option key={code} value={code}>
                    {code}
                  </option>
                ))}
              </select>
              <FieldError id={errorId('currency')} message={errors.currency} />
              <p className="field__hint" id={`${ids('currency')}-hint`}>
                The currency your PSA invoices in. It can’t change once invoices exist.
              </p>
            </div>
            <div
              className="setup-choices"
              role="group"
              aria-label="Payment methods"
              aria-describedby={errors.paymentMethods ? errorId('paymentMethods') : undefined}
            >
              <Choice field="paymentMethods" checked={values.card} onChange={(checked) => set('card', checked)} title="Cards">
                Visa, Mastercard, American Express and more. Paid at once; Stripe’s card fees apply.
              </Choice>
              <Choice
                field="paymentMethods.usBankAccount"
                checked={values.ach && achAvailable}
                onChange={(checked) => set('ach', checked)}
                title="ACH Direct Debit (US bank accounts)"
                disabled={!achAvailable}
                describedBy={[achAvailable ? '' : achHint, errors['paymentMethods.usBankAccount'] ? errorId('paymentMethods.usBankAccount') : '']
                  .filter(Boolean)
                  .join(' ')}
              >
                Lower fees for large invoices. Bank accounts are verified with micro-deposits; payments take a few business
                days to clear and show as processing until then.
              </Choice>
              {!achAvailable && (
                <p className="callout callout--neutral setup-callout-sm" id={achHint}>
                  ACH Direct Debit is a US bank network, so it’s only offered when Settle bills in USD. Your billing
                  currency is {values.currency}.
                </p>
              )}
              <FieldError id={errorId('paymentMethods.usBankAccount')} message={errors['paymentMethods.usBankAccount']} />
              <FieldError id={errorId('paymentMethods')} message={errors.paymentMethods} />
            </div>
          </div>
        </section>

        <section className="card" aria-labelledby={`${id}-autopay`}>
          <div className="card__header">
            <div>
              <h3 className="card__title" id={`${id}-autopay`}>
                Autopay policy
              </h3>
              <p className="card__description">For clients who turn on autopay: invoices are charged on their due date.</p>
            </div>
          </div>
          <div className="card__body setup-grid">
            <div className="field">
              <label className="field__label" htmlFor={ids('autopay.runAt')}>
                Daily run time
              </label>
              <input
                id={ids('autopay.runAt')}
                data-field="autopay.runAt"
                className="input"
                type="time"
                step={60}
                value={values.runAt}
                onChange={(event) => set('runAt', event.target.value)}
                aria-invalid={errors['autopay.runAt'] ? true : undefined}
                aria-describedby={describedBy('autopay.runAt', `${ids('autopay.runAt')}-hint`)}
              />
              <FieldError id={errorId('autopay.runAt')} message={errors['autopay.runAt']} />
              <p className="field__hint" id={`${ids('autopay.runAt')}-hint`}>
                When invoices due that day are charged, in your timezone.
              </p>
            </div>
            <div className="field">
              <label className="field__label" htmlFor={ids('timezone')}>
                Timezone
              </label>
              <select
                id={ids('timezone')}
                data-field="timezone"
                className="input"
                value={values.timezone}
                onChange={(event) => set('timezone', event.target.value)}
                aria-invalid={errors.timezone ? true : undefined}
                aria-describedby={describedBy('timezone', `${ids('timezone')}-hint`)}
              >
                {timeZones(settings.timezone).map((zone) => (
                  <option key={zone} value={zone}>
                    {zone.replace(/_/g, ' ')}
                  </option>
                ))}
              </select>
              <FieldError id={errorId('timezone')} message={errors.timezone} />
              <p className="field__hint" id={`${ids('timezone')}-hint`}>
                Also decides when an invoice becomes overdue.
              </p>
            </div>
            <div className="field">
              <label className="field__label" htmlFor={ids('autopay.retryScheduleDays')}>
                Retry declined cards after (days)
              </label>
              <input
                id={ids('autopay.retryScheduleDays')}
                data-field="autopay.retryScheduleDays"
                className="input"
                inputMode="numeric"
                autoComplete="off"
                placeholder="e.g. 3, 5, 7"
                value={values.retryDays}
                onChange={(event) => set('retryDays', event.target.value)}
                aria-invalid={errors['autopay.retryScheduleDays'] ? true : undefined}
                aria-describedby={describedBy('autopay.retryScheduleDays', `${ids('autopay.retryScheduleDays')}-hint`)}
              />
              <FieldError id={errorId('autopay.retryScheduleDays')} message={errors['autopay.retryScheduleDays']} />
              <p className="field__hint" id={`${ids('autopay.retryScheduleDays')}-hint`}>
                Days after the first failure, separated by commas. Leave empty for no retries. Hard declines (a lost or
                stolen card) are never retried.
              </p>
            </div>
            <div className="field">
              <label className="field__label" htmlFor={ids('autopay.achMaxRetries')}>
                Retry failed ACH debits
              </label>
              <select
                id={ids('autopay.achMaxRetries')}
                data-field="autopay.achMaxRetries"
                className="input"
                value={values.achMaxRetries}
                onChange={(event) => set('achMaxRetries', event.target.value)}
                aria-invalid={errors['autopay.achMaxRetries'] ? true : undefined}
                aria-describedby={describedBy('autopay.achMaxRetries', `${ids('autopay.achMaxRetries')}-hint`)}
              >
                <option value="0">Never</option>
                <option value="1">Once</option>
                <option value="2">Up to 2 times</option>
                <option value="3">Up to 3 times</option>
              </select>
              <FieldError id={errorId('autopay.achMaxRetries')} message={errors['autopay.achMaxRetries']} />
              <p className="field__hint" id={`${ids('autopay.achMaxRetries')}-hint`}>
                Each failed bank debit can cost you a fee from Stripe.
              </p>
            </div>
            <div className="field">
              <label className="field__label" htmlFor={ids('autopay.maxAmount')}>
                Maximum autopay amount
              </label>
              <MoneyInput
                id={ids('autopay.maxAmount')}
                field="autopay.maxAmount"
                currency={values.currency}
                value={values.maxAmount}
                placeholder="No limit"
                onChange={(value) => set('maxAmount', value)}
                invalid={Boolean(errors['autopay.maxAmount'])}
                describedBy={describedBy('autopay.maxAmount', `${ids('autopay.maxAmount')}-hint`)}
              />
              <FieldError id={errorId('autopay.maxAmount')} message={errors['autopay.maxAmount']} />
              <p className="field__hint" id={`${ids('autopay.maxAmount')}-hint`}>
                Larger invoices are never charged automatically; the client pays them in the portal. Leave empty for no
                limit.
              </p>
            </div>
            <div className="field">
              <label className="field__label" htmlFor={ids('autopay.upcomingNoticeDays')}>
                Email clients before an automatic charge
              </label>
              <select
                id={ids('autopay.upcomingNoticeDays')}
                data-field="autopay.upcomingNoticeDays"
                className="input"
                value={values.upcomingNoticeDays}
                onChange={(event) => set('upcomingNoticeDays', event.target.value)}
                aria-invalid={errors['autopay.upcomingNoticeDays'] ? true : undefined}
                aria-describedby={describedBy('autopay.upcomingNoticeDays', `${ids('autopay.upcomingNoticeDays')}-hint`)}
              >
                <option value="">No notice</option>
                <option value="1">1 day before</option>
                <option value="3">3 days before</option>
                <option value="5">5 days before</option>
                <option value="7">7 days before</option>
              </select>
              <FieldError id={errorId('autopay.upcomingNoticeDays')} message={errors['autopay.upcomingNoticeDays']} />
              <p className="field__hint" id={`${ids('autopay.upcomingNoticeDays')}-hint`}>
                Clients can unsubscribe from these notices. Receipts and failed-payment emails are always sent.
              </p>
            </div>
          </div>
        </section>

        <section className="card" aria-labelledby={`${id}-tolerance`}>
          <div className="card__header">
            <div>
              <h3 className="card__title" id={`${id}-tolerance`}>
                Underpayments
              </h3>
              <p className="card__description">
                Bank transfers sometimes arrive a little short (wire fees, rounding).
              </p>
            </div>
          </div>
          <div className="card__body">
            <div className="field setup-field-narrow">
              <label className="field__label" htmlFor={ids('underpaymentTolerance')}>
                Underpayment tolerance
              </label>
              <MoneyInput
                id={ids('underpaymentTolerance')}
                field="underpaymentTolerance"
                currency={values.currency}
                value={values.tolerance}
                placeholder="0.00"
                onChange={(value) => set('tolerance', value)}
                invalid={Boolean(errors.underpaymentTolerance)}
                describedBy={describedBy('underpaymentTolerance', `${ids('underpaymentTolerance')}-hint`)}
              />
              <FieldError id={errorId('underpaymentTolerance')} message={errors.underpaymentTolerance} />
              <p className="field__hint" id={`${ids('underpaymentTolerance')}-hint`}>
                A payment at most this much short can be accepted as paying the invoice in full. 0 means invoices must be
                paid in full.
              </p>
            </div>
          </div>
        </section>
      </fieldset>

      <div className="setup-actions">
        <button type="button" className="btn btn--secondary" onClick={onBack}>
          Back
        </button>
        {!readOnly && (
          <button type="submit" className="btn btn--primary" aria-disabled={saving}>
            {saving && <span className="spinner spinner--inline" aria-hidden="true" />}
            {saving ? 'Saving…' : 'Save and continue'}
          </button>
        )}
      </div>
    </form>
  );
}

interface MoneyInputProps {
  id: string;
  field: FieldKey;
  currency: string;
  value: string;
  placeholder: string;
  onChange: (value: string) => void;
  invalid: boolean;
  describedBy: string | undefined;
}

/** A decimal text input with the currency's symbol in front; the text is parsed exactly on submit. */
function MoneyInput({ id, field, currency, value, placeholder, onChange, invalid, describedBy }: MoneyInputProps) {
  const symbol =
    new Intl.NumberFormat(undefined, { style: 'currency', currency }).formatToParts(0).find((part) => part.type === 'currency')
      ?.value ?? currency;
  return (
    <div className="setup-money">
      <span className="setup-money__symbol" aria-hidden="true">
        {symbol}
      </span>
      <input
        id={id}
        data-field={field}
        className="input"
        inputMode="decimal"
        autoComplete="off"
        placeholder={placeholder}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        aria-invalid={invalid ? true : undefined}
        aria-describedby={describedBy}
      />
      <span className="setup-money__code" aria-hidden="true">
        {currency}
      </span>
    </div>
  );
}
