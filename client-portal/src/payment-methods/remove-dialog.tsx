import { useEffect, useId, useRef } from 'react';
import { Link } from 'react-router-dom';
import { isApiError } from '../../../ui-kit/api-client';
import { describeError } from '../../../ui-kit/components/error-state';
import type { PaymentMethodView } from './types';

interface RemoveDialogProps {
  method: PaymentMethodView | null;
  mspName: string;
  busy: boolean;
  error: unknown;
  onConfirm: () => void;
  onClose: () => void;
}

/**
 * "Remove this method?" on the native modal `<dialog>` (focus trap, Escape, inert page). When the
 * server refuses because the method carries autopay, the way out (Autopay) replaces the Remove button.
 */
export function RemoveDialog({ method, mspName, busy, error, onConfirm, onClose }: RemoveDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const bodyId = useId();
  const open = method !== null;
  const inUse = isApiError(error) && error.code === 'AUTOPAY_METHOD_IN_USE';

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      dialog.showModal();
      // The safe choice gets focus first.
      cancelRef.current?.focus();
    }
    if (!open && dialog.open) dialog.close();
  }, [open]);

  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={titleId}
      aria-describedby={bodyId}
      onCancel={(event) => {
        event.preventDefault();
        if (!busy) onClose();
      }}
    >
      <h2 id={titleId} className="dialog__title">
        {method ? `Remove ${method.label}?` : 'Remove payment method?'}
      </h2>
      <div className="dialog__body" id={bodyId}>
        <p>
          {method?.type === 'us_bank_account'
            ? `${mspName} will no longer be able to debit this bank account, and its debit authorization ends.`
            : 'You won’t be able to pay with this card any more.'}{' '}
          Payments already in progress are not affected.
        </p>
        {method?.isAutopay && !inUse && <p className="pm-dialog-note">This is your autopay method: autopay stops if you remove it.</p>}
      </div>
      {error !== null && error !== undefined && (
        <div className="alert alert--error" role="alert">
          {inUse ? (
            <>
              <strong className="alert__title">It can’t be removed yet</strong>
              {error.message}
            </>
          ) : (
            <>We couldn’t remove it. {describeError(error)}</>
          )}
        </div>
      )}
      <div className="dialog__actions">
        <button type="button" className="btn btn--secondary" ref={cancelRef} onClick={onClose} disabled={busy}>
          {inUse ? 'Close' : 'Cancel'}
        </button>
        {inUse ? (
          <Link className="btn btn--primary" to="/autopay">
            Go to Autopay
          </Link>
        ) : (
          <button type="button" className="btn btn--danger" onClick={onConfirm} disabled={busy}>
            {busy ? 'Removing…' : 'Remove'}
          </button>
        )}
      </div>
    </dialog>
  );
}
