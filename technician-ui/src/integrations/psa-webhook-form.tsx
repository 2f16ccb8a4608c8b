import { useId, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { isApiError } from '../../../ui-kit/api-client';
import { CopyField } from '../../../ui-kit/components/copy-field';
import { describeError } from '../../../ui-kit/components/error-state';
import { api } from '../api';
import type { PsaWebhookSettingsView } from './types';

interface SavedPsaWebhook {
  psaWebhook: PsaWebhookSettingsView;
  secret?: string | null;
}

/**
 * Where Settle sends payment write-backs. Saving a URL the first time (or with "new signing secret")
 * shows the signing secret once, to paste into the PSA; Settle keeps it sealed and never shows it again.
 */
export function PsaWebhookForm({ settings, onSaved }: { settings: PsaWebhookSettingsView; onSaved: () => void }) {
  const id = useId();
  const [url, setUrl] = useState(settings.url ?? '');
  const [rotate, setRotate] = useState(false);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (submitting) return;
    setFormError(null);
    setFieldError(null);
    if (url.trim() === '') {
      setFieldError('Enter the URL your PSA receives Settle webhooks at.');
      inputRef.current?.focus();
      return;
    }
    setSubmitting(true);
    try {
      const saved = await api.request<SavedPsaWebhook>('PUT', '/settings/psa-webhook', { body: { url: url.trim(), ...(rotate ? { rotateSecret: true } : {}) } });
      setSecret(saved.secret ?? null);
      setRotate(false);
      onSaved();
    } catch (error) {
      const message = isApiError(error) ? (error.fieldMessage('url') ?? (error.code === 'PSA_WEBHOOK_URL_FORBIDDEN' ? error.message : undefined)) : undefined;
      if (message) {
        setFieldError(message);
        inputRef.current?.focus();
      } else {
        setFormError(`We couldn’t save the webhook URL. ${describeError(error)}`);
      }
    } finally {
      setSubmitting(false);
    }
  }

  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  return (
    <form className="stack" noValidate onSubmit={handleSubmit} aria-label="Change where Settle sends write-backs">
      {formError && (
        <div className="alert alert--error" role="alert">
          {formError}
        </div>
      )}
      {secret && (
        <div className="alert alert--success" role="status">
          <p>Saved. Copy the signing secret into your PSA now — Settle will not show it again.</p>
          <CopyField label="Signing secret" value={secret} />
        </div>
      )}
      <div className="inline-form">
        <div className="field">
          <label className="field__label" htmlFor={id}>
            PSA webhook URL
          </label>
          <input
            ref={inputRef}
            id={id}
            className="input"
            type="url"
            value={url}
            onChange={(event) => setUrl(event.target.value)}
            placeholder="https://psa.example.com/hooks/settle"
            autoComplete="off"
            aria-invalid={fieldError ? true : undefined}
            aria-describedby={fieldError ? `${errorId} ${hintId}` : hintId}
          />
          {fieldError && (
            <p className="field__error" id={errorId}>
              {fieldError}
            </p>
          )}
          <p className="field__hint" id={hintId}>
            A public https address. Each delivery is signed with HMAC-SHA256 in the <code>Settle-Signature</code> header.
          </p>
          {settings.hasSecret && (
            <label className="checkbox">
              <input type="checkbox" checked={rotate} onChange={(event) => setRotate(event.target.checked)} /> New signing secret
            </label>
          )}
        </div>
        <button type="submit" className="btn btn--primary inline-form__submit" aria-disabled={submitting}>
          {submitting ? 'Saving…' : 'Save'}
        </button>
      </div>
    </form>
  );
}
