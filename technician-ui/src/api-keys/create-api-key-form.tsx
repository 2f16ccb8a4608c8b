import { useId, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { isApiError } from '../../../ui-kit/api-client';
import { describeError } from '../../../ui-kit/components/error-state';
import type { CreatedApiKey } from './types';
import { createApiKey } from './use-api-keys';

const MAX_NAME_LENGTH = 100;

/** Names and creates a key; hands the one-time secret to `onCreated`. */
export function CreateApiKeyForm({ onCreated }: { onCreated: (created: CreatedApiKey) => void }) {
  const id = useId();
  const [name, setName] = useState('');
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (submitting) return;
    const trimmed = name.trim();
    setFormError(null);
    if (trimmed === '') {
      setFieldError('Give the key a name, e.g. the PSA it is for.');
      inputRef.current?.focus();
      return;
    }
    if (trimmed.length > MAX_NAME_LENGTH) {
      setFieldError(`Use ${MAX_NAME_LENGTH} characters or fewer.`);
      inputRef.current?.focus();
      return;
    }
    setFieldError(null);
    setSubmitting(true);
    try {
      const created = await createApiKey(trimmed);
      setName('');
      onCreated(created);
    } catch (error) {
      const message = isApiError(error) ? error.fieldMessage('name') : undefined;
      if (message) {
        setFieldError(message);
        inputRef.current?.focus();
      } else {
        setFormError(`We couldn’t create the key. ${describeError(error)}`);
      }
    } finally {
      setSubmitting(false);
    }
  }

  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  return (
    <form className="stack" noValidate onSubmit={handleSubmit} aria-labelledby="create-key-title">
      {formError && (
        <div className="alert alert--error" role="alert">
          {formError}
        </div>
      )}
      <div className="inline-form">
        <div className="field">
          <label className="field__label" htmlFor={id}>
            Key name
          </label>
          <input
            ref={inputRef}
            id={id}
            className="input"
            value={name}
            onChange={(event) => setName(event.target.value)}
            placeholder="e.g. SuperOps production"
            autoComplete="off"
            maxLength={MAX_NAME_LENGTH + 20}
            aria-invalid={fieldError ? true : undefined}
            aria-describedby={fieldError ? `${errorId} ${hintId}` : hintId}
          />
          {fieldError && (
            <p className="field__error" id={errorId}>
              {fieldError}
            </p>
          )}
          <p className="field__hint" id={hintId}>
            Name it after where it will be used, so you know what breaks if you revoke it.
          </p>
        </div>
        <button type="submit" className="btn btn--primary inline-form__submit" aria-disabled={submitting}>
          {submitting ? 'Creating…' : 'Create key'}
        </button>
      </div>
    </form>
  );
}
