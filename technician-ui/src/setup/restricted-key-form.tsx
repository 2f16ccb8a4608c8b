import { useId, useRef, useState } from 'react';
import type { FormEvent, RefObject } from 'react';
import { isApiError } from '../../../ui-kit/api-client';
import { describeError } from '../../../ui-kit/components/error-state';
import type { StripeConnectionView, StripePermission } from './types';
import { connectRestrictedKey } from './use-setup';

interface FieldErrors {
  restrictedKey?: string;
  publishableKey?: string;
}

type Problem =
  | { kind: 'secret-key'; message: string }
  | { kind: 'missing-permissions'; permissions: Array<{ id: string; label: string; why: string }> }
  | { kind: 'other'; message: string };

/** `Webhook Endpoints: Write — needed to create …` → label and reason, for a field the list lacks. */
function splitPermissionMessage(id: string, message: string): { id: string; label: string; why: string } {
  const [label, why] = message.split(' — ');
  return { id, label: label ?? id, why: why ?? '' };
}

function problemOf(error: unknown, known: StripePermission[]): Problem {
  if (!isApiError(error)) return { kind: 'other', message: describeError(error) };
  switch (error.code) {
    case 'STRIPE_SECRET_KEY_REFUSED':
      return { kind: 'secret-key', message: error.message };
    case 'STRIPE_KEY_MISSING_PERMISSIONS':
      return {
        kind: 'missing-permissions',
        permissions: error.fields.map((field) => {
          const permission = known.find((p) => p.id === field.path);
          return permission ? { id: permission.id, label: permission.label, why: `needed to ${permission.why}.` } : splitPermissionMessage(field.path, field.message);
        }),
      };
    case 'STRIPE_ACCOUNT_MISMATCH':
    case 'STRIPE_UNAVAILABLE':
      // User-safe messages written for exactly this screen.
      return { kind: 'other', message: error.message };
    default:
      return { kind: 'other', message: `Stripe wasn’t connected. ${describeError(error)}` };
  }
}

function clear(ref: RefObject<HTMLInputElement | null>) {
  if (ref.current) ref.current.value = '';
}

interface RestrictedKeyFormProps {
  permissions: StripePermission[];
  onConnected: (connection: StripeConnectionView) => void;
}

/**
 * Paste a restricted key (`rk_…`) and the publishable key. Settle tests the key against Stripe and
 * lists exactly which permissions it lacks. Keys are typed into password fields and never shown back.
 */
export function RestrictedKeyForm({ permissions, onConnected }: RestrictedKeyFormProps) {
  const id = useId();
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [problem, setProblem] = useState<Problem | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const restrictedRef = useRef<HTMLInputElement>(null);
  const publishableRef = useRef<HTMLInputElement>(null);
  const problemRef = useRef<HTMLDivElement>(null);

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (submitting) return;
    setProblem(null);
    // Uncontrolled inputs: React would otherwise mirror a controlled value into the DOM attribute.
    const rk = restrictedRef.current?.value.trim() ?? '';
    const pk = publishableRef.current?.value.trim() ?? '';
    const errors: FieldErrors = {};
    if (rk === '') errors.restrictedKey = 'Paste your restricted key. It starts with rk_test_ or rk_live_.';
    if (pk === '') errors.publishableKey = 'Paste your publishable key. It starts with pk_test_ or pk_live_.';
    setFieldErrors(errors);
    if (errors.restrictedKey || errors.publishableKey) {
      (errors.restrictedKey ? restrictedRef : publishableRef).current?.focus();
      return;
    }
    setSubmitting(true);
    try {
      const { connection } = await connectRestrictedKey(rk, pk);
      clear(restrictedRef);
      clear(publishableRef);
      setSubmitting(false);
      onConnected(connection);
    } catch (error) {
      setSubmitting(false);
      if (isApiError(error) && (error.code === 'VALIDATION_FAILED' || error.code === 'STRIPE_KEY_INVALID')) {
        const fromServer: FieldErrors = {
          restrictedKey: error.fieldMessage('restrictedKey') ?? (error.code === 'STRIPE_KEY_INVALID' ? error.message : undefined),
          publishableKey: error.fieldMessage('publishableKey'),
        };
        if (fromServer.restrictedKey || fromServer.publishableKey) {
          setFieldErrors(fromServer);
          (fromServer.restrictedKey ? restrictedRef : publishableRef).current?.focus();
          return;
        }
      }
      const next = problemOf(error, permissions);
      // A full secret key must not stay in the form, not even masked.
      if (next.kind === 'secret-key') clear(restrictedRef);
      setProblem(next);
      requestAnimationFrame(() => problemRef.current?.focus());
    }
  }

  const rkError = `${id}-rk-error`;
  const rkHint = `${id}-rk-hint`;
  const pkError = `${id}-pk-error`;
  const pkHint = `${id}-pk-hint`;

  return (
    <form className="stack setup-stack-sm" noValidate onSubmit={handleSubmit} aria-labelledby="setup-rk-title">
      {problem?.kind === 'secret-key' && (
        <div className="callout callout--danger setup-problem" role="alert" tabIndex={-1} ref={problemRef}>
          <div>
            <strong className="alert__title">Settle doesn’t accept secret keys</strong>
            <p>{problem.message}</p>
            <p>The key you pasted has been cleared from the form.</p>
          </div>
        </div>
      )}
      {problem?.kind === 'missing-permissions' && (
        <div className="callout callout--warning setup-problem" role="alert" tabIndex={-1} ref={problemRef}>
          <div>
            <strong className="alert__title">
              This key is missing {problem.permissions.length} {problem.permissions.length === 1 ? 'permission' : 'permissions'}
            </strong>
            <p>Nothing was connected. In Stripe, edit the restricted key, turn these on, then paste it again:</p>
            <ul className="setup-checklist">
              {problem.permissions.map((permission) => (
                <li key={permission.id}>
                  <span className="setup-checklist__box" aria-hidden="true" />
                  <span>
                    <strong>{permission.label}</strong> — {permission.why}
                  </span>
                </li>
              ))}
            </ul>
          </div>
        </div>
      )}
      {problem?.kind === 'other' && (
        <div className="alert alert--error" role="alert" tabIndex={-1} ref={problemRef}>
          {problem.message}
        </div>
      )}
      <div className="field">
        <label className="field__label" htmlFor={`${id}-rk`}>
          Restricted key
        </label>
        <input
          ref={restrictedRef}
          id={`${id}-rk`}
          className="input input--mono"
          type="password"
          name="restricted-key"
          autoComplete="off"
          spellCheck={false}
          placeholder="rk_live_…"
          aria-invalid={fieldErrors.restrictedKey ? true : undefined}
          aria-describedby={fieldErrors.restrictedKey ? `${rkError} ${rkHint}` : rkHint}
        />
        {fieldErrors.restrictedKey && (
          <p className="field__error" id={rkError}>
            {fieldErrors.restrictedKey}
          </p>
        )}
        <p className="field__hint" id={rkHint}>
          Starts with rk_. Never paste a secret key (sk_): it can do anything in your account.
        </p>
      </div>
      <div className="field">
        <label className="field__label" htmlFor={`${id}-pk`}>
          Publishable key
        </label>
        <input
          ref={publishableRef}
          id={`${id}-pk`}
          className="input input--mono"
          type="password"
          name="publishable-key"
          autoComplete="off"
          spellCheck={false}
          placeholder="pk_live_…"
          aria-invalid={fieldErrors.publishableKey ? true : undefined}
          aria-describedby={fieldErrors.publishableKey ? `${pkError} ${pkHint}` : pkHint}
        />
        {fieldErrors.publishableKey && (
          <p className="field__error" id={pkError}>
            {fieldErrors.publishableKey}
          </p>
        )}
        <p className="field__hint" id={pkHint}>
          Starts with pk_, from the same mode as the restricted key. The client portal uses it to show Stripe’s payment
          form.
        </p>
      </div>
      <details className="setup-details">
        <summary>Permissions the restricted key needs</summary>
        <ul className="setup-permissions">
          {permissions.map((permission) => (
            <li key={permission.id}>
              <strong>{permission.label}</strong> — to {permission.why}.
            </li>
          ))}
        </ul>
      </details>
      <div>
        <button type="submit" className="btn btn--secondary" aria-disabled={submitting}>
          {submitting && <span className="spinner spinner--inline" aria-hidden="true" />}
          {submitting ? 'Testing the key…' : 'Test and connect'}
        </button>
      </div>
    </form>
  );
}
