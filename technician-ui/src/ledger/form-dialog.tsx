import { useEffect, useId, useRef } from 'react';
import type { FormEvent, ReactNode } from 'react';

interface FormDialogProps {
  open: boolean;
  title: string;
  /** One line under the title. */
  description?: ReactNode;
  children: ReactNode;
  submitLabel: string;
  busyLabel: string;
  busy: boolean;
  /** The failure of the last submit, shown above the buttons. */
  error?: string | null;
  onSubmit: () => void;
  onCancel: () => void;
  wide?: boolean;
  tone?: 'primary' | 'danger';
}

/**
 * A modal form on the native `<dialog>` (focus trap, Escape and the inert page come from the
 * browser). The first invalid field gets focus from the caller; the error is announced.
 */
export function FormDialog({ open, title, description, children, submitLabel, busyLabel, busy, error, onSubmit, onCancel, wide, tone = 'primary' }: FormDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!busy) onSubmit();
  }

  return (
    <dialog
      ref={ref}
      className={`dialog ledger-dialog${wide ? ' ledger-dialog--wide' : ''}`}
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        if (!busy) onCancel();
      }}
    >
      {open && (
        <form className="ledger-dialog__form" noValidate onSubmit={submit}>
          <div>
            <h2 id={titleId} className="dialog__title">
              {title}
            </h2>
            {description && <p className="ledger-dialog__description">{description}</p>}
          </div>
          <div className="ledger-dialog__body">{children}</div>
          {error && (
            <p className="alert alert--error" role="alert">
              {error}
            </p>
          )}
          <div className="dialog__actions">
            <button type="button" className="btn btn--secondary" onClick={onCancel} disabled={busy}>
              Cancel
            </button>
            <button type="submit" className={`btn btn--${tone}`} aria-disabled={busy}>
              {busy ? busyLabel : submitLabel}
            </button>
          </div>
        </form>
      )}
    </dialog>
  );
}

/** Label, control, hint and error wired together for screen readers. */
export function Field({ id, label, hint, error, children }: { id: string; label: string; hint?: ReactNode; error?: string | undefined; children: ReactNode }) {
  return (
    <div className="field">
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      {children}
      {hint && (
        <p className="field__hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field__error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

/** aria-describedby for a field built with <Field>. */
export function describedBy(id: string, hasHint: boolean, error: string | undefined): string | undefined {
  return [error ? `${id}-error` : null, hasHint ? `${id}-hint` : null].filter(Boolean).join(' ') || undefined;
}
