import { useId, useRef, useState } from 'react';
import type { FormEvent, ReactNode, RefObject } from 'react';
import { isApiError } from '../api-client';
import { describeError } from './error-state';

export type MicrodepositRequest = { amounts: [number, number] } | { descriptorCode: string };

type FieldErrors = { first?: string; second?: string; code?: string };

const CENTS = /^\d{1,2}$/;
const CODE = /^SM[A-Z0-9]{4}$/;
/** Answers after which the form has nothing more to say: the page shows what to do instead. */
const TERMINAL = ['VERIFICATION_ATTEMPTS_EXCEEDED', 'VERIFICATION_EXPIRED', 'VERIFICATION_NOT_PENDING'];

function validateAmount(value: string, which: 'first' | 'second'): string | undefined {
  const v = value.trim();
  if (v === '') return `Enter the ${which} deposit in cents.`;
  if (!CENTS.test(v) || Number(v) < 1) return 'Enter a whole number of cents between 1 and 99 (for $0.32, enter 32).';
  return undefined;
}

/** One deposit, in cents (digits only, two at most); its error is tied to it as `${id}-error`. */
function CentsField({ id, label, inputRef, value, onChange, error, invalid, describedBy }: { id: string; label: string; inputRef: RefObject<HTMLInputElement | null>; value: string; onChange: (v: string) => void; error: string | undefined; invalid: boolean; describedBy: string | undefined }) {
  return (
    <div className="field">
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      <input
        ref={inputRef}
        id={id}
        className="input input--cents"
        inputMode="numeric"
        autoComplete="off"
        maxLength={2}
        value={value}
        onChange={(e) => onChange(e.target.value.replace(/\D/g, ''))}
        aria-invalid={invalid}
        aria-describedby={describedBy}
      />
      {error && (
        <p className="field__error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

export interface MicrodepositFormProps {
  microdepositType: 'amounts' | 'descriptor_code';
  /** Sends what was entered; rejects with the API's error. */
  submit: (body: MicrodepositRequest) => Promise<void>;
  /** Every refused attempt that is not a typo (a mismatch, too many attempts, expired…), after the form shows its part. */
  onFailed: (error: unknown) => void;
  title: string;
  /** Where the values come from, for each kind (under the legend / label). */
  hints: { amounts: string; code: string };
  submitLabel: string;
  /** Next to the submit button (cancel, do this later). */
  secondaryAction: ReactNode;
  /** Above the fields (a warning, the attempts left). */
  intro?: ReactNode;
}

/**
 * The micro-deposit verification form: two amounts in cents or the 6-character SM code, whichever
 * Stripe asked for. Checks the shape before sending (a typo must not burn an attempt), ties every
 * error to its field, focuses the first one, and refuses a second submit while one is in flight.
 * Used by the client portal and by technicians entering what the client reads out.
 */
export function MicrodepositForm({ microdepositType, submit, onFailed, title, hints, submitLabel, secondaryAction, intro }: MicrodepositFormProps) {
  const amounts = microdepositType === 'amounts';
  const [first, setFirst] = useState('');
  const [second, setSecond] = useState('');
  const [code, setCode] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const firstRef = useRef<HTMLInputElement>(null);
  const secondRef = useRef<HTMLInputElement>(null);
  const codeRef = useRef<HTMLInputElement>(null);
  const inFlight = useRef(false);
  const id = useId();
  const ids = { first: `${id}-first`, second: `${id}-second`, code: `${id}-code`, hint: `${id}-hint`, codeHint: `${id}-code-hint`, form: `${id}-form-error` };

  function focusFirstError(e: FieldErrors, formLevel: boolean) {
    requestAnimationFrame(() => {
      if (amounts) (e.first || (formLevel && !e.second) ? firstRef : secondRef).current?.focus();
      else codeRef.current?.focus();
    });
  }

  async function handleSubmit(event: FormEvent) {
    event.preventDefault();
    if (inFlight.current) return;
    setFormError(null);
    const normalizedCode = code.trim().toUpperCase();
    const next: FieldErrors = amounts
      ? { first: validateAmount(first, 'first'), second: validateAmount(second, 'second') }
      : { code: normalizedCode === '' ? 'Enter the code from the deposit description.' : CODE.test(normalizedCode) ? undefined : 'The code has 6 characters and starts with SM, like SM11AA.' };
    setErrors(next);
    if (next.first || next.second || next.code) {
      focusFirstError(next, false);
      return;
    }
    const body: MicrodepositRequest = amounts ? { amounts: [Number(first.trim()), Number(second.trim())] } : { descriptorCode: normalizedCode };
    inFlight.current = true;
    setSubmitting(true);
    try {
      await submit(body);
    } catch (err) {
      if (isApiError(err) && err.code === 'MICRODEPOSIT_MISMATCH') {
        setFormError(err.message);
        focusFirstError({}, true);
        onFailed(err);
      } else if (isApiError(err) && err.code === 'MICRODEPOSIT_INPUT_INVALID') {
        const fieldMessage = err.fieldMessage(amounts ? 'amounts' : 'descriptorCode');
        const message = fieldMessage && fieldMessage !== 'Required.' ? fieldMessage : err.message;
        const e: FieldErrors = amounts ? { first: message } : { code: message };
        setErrors(e);
        focusFirstError(e, false);
      } else {
        onFailed(err);
        if (!(isApiError(err) && TERMINAL.includes(err.code))) setFormError(`We couldn’t check the ${amounts ? 'amounts' : 'code'}. ${describeError(err)}`);
      }
    } finally {
      inFlight.current = false;
      setSubmitting(false);
    }
  }

  const describedBy = (...parts: Array<string | false | null | undefined>) => parts.filter(Boolean).join(' ') || undefined;

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <div className="card__header">
        <h2 className="card__title" id={`${id}-title`}>
          {title}
        </h2>
      </div>
      <form className="form card__body" onSubmit={(e) => void handleSubmit(e)} noValidate aria-busy={submitting}>
        {intro}
        {amounts ? (
          <fieldset className="fieldset">
            <legend className="field__label">Deposit amounts, in cents</legend>
            <p className="field__hint" id={ids.hint}>
              {hints.amounts}
            </p>
            <div className="amount-pair">
              <CentsField id={ids.first} label="First deposit (cents)" inputRef={firstRef} value={first} onChange={setFirst} error={errors.first} invalid={Boolean(errors.first || formError)} describedBy={describedBy(ids.hint, errors.first && `${ids.first}-error`, formError && ids.form)} />
              <CentsField id={ids.second} label="Second deposit (cents)" inputRef={secondRef} value={second} onChange={setSecond} error={errors.second} invalid={Boolean(errors.second || formError)} describedBy={describedBy(ids.hint, errors.second && `${ids.second}-error`, formError && ids.form)} />
            </div>
          </fieldset>
        ) : (
          <div className="field">
            <label className="field__label" htmlFor={ids.code}>
              Code from the deposit description
            </label>
            <p className="field__hint" id={ids.codeHint}>
              {hints.code}
            </p>
            <input
              ref={codeRef}
              id={ids.code}
              className="input input--mono input--code"
              autoComplete="off"
              autoCapitalize="characters"
              spellCheck={false}
              maxLength={6}
              value={code}
              onChange={(e) => setCode(e.target.value.toUpperCase().replace(/\s/g, ''))}
              aria-invalid={Boolean(errors.code || formError)}
              aria-describedby={describedBy(ids.codeHint, errors.code && `${ids.code}-error`, formError && ids.form)}
            />
            {errors.code && (
              <p className="field__error" id={`${ids.code}-error`}>
                {errors.code}
              </p>
            )}
          </div>
        )}
        <div role="alert" aria-live="assertive">
          {formError && (
            <p className="alert alert--error" id={ids.form}>
              {formError}
            </p>
          )}
        </div>
        <div className="form-actions">
          <button type="submit" className="btn btn--primary" disabled={submitting}>
            {submitting ? 'Verifying…' : submitLabel}
          </button>
          {secondaryAction}
        </div>
      </form>
    </section>
  );
}
