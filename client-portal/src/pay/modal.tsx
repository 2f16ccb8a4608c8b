import { useEffect, useEffectEvent, useId, useRef } from 'react';
import type { ReactNode } from 'react';
import { createPortal } from 'react-dom';

interface ModalProps {
  title: ReactNode;
  /** One line under the title. */
  description?: ReactNode;
  /** Escape and the close button call this; ignored while `closable` is false. */
  onClose: () => void;
  /** False while something must not be interrupted (a payment being submitted). */
  closable?: boolean;
  children: ReactNode;
}

/**
 * A modal dialog rendered into <body>, with the app root made `inert` behind it (focus stays in the
 * dialog; screen readers only read the dialog). Not the native `<dialog>`: its top layer would sit
 * above Stripe.js's own 3-D Secure and bank-account overlays, which Stripe.js appends to <body> and
 * which must stay usable while the dialog is open. Focus moves to the title on open and returns to
 * whatever opened the dialog on close; Escape closes.
 */
export function Modal({ title, description, onClose, closable = true, children }: ModalProps) {
  const titleId = useId();
  const descriptionId = useId();
  const titleRef = useRef<HTMLHeadingElement>(null);
  const escape = useEffectEvent(() => {
    if (closable) onClose();
  });

  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const root = document.getElementById('root');
    root?.setAttribute('inert', '');
    document.body.classList.add('has-modal');
    titleRef.current?.focus();
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || event.defaultPrevented) return;
      // Stripe.js overlays (3-D Secure, bank account) handle their own keys.
      if (event.target instanceof Element && event.target.closest('.se-overlay')) return;
      event.preventDefault();
      escape();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => {
      document.removeEventListener('keydown', onKeyDown);
      root?.removeAttribute('inert');
      document.body.classList.remove('has-modal');
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  return createPortal(
    <div className="modal">
      <div className="modal__backdrop" aria-hidden="true" />
      <div
        className="modal__panel"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={description ? descriptionId : undefined}
      >
        <div className="modal__header">
          <div className="modal__heading">
            <h2 className="modal__title" id={titleId} tabIndex={-1} ref={titleRef}>
              {title}
            </h2>
            {description && (
              <p className="modal__description" id={descriptionId}>
                {description}
              </p>
            )}
          </div>
          <button type="button" className="modal__close" onClick={onClose} disabled={!closable} aria-label="Close dialog">
            <svg viewBox="0 0 16 16" aria-hidden="true" focusable="false">
              <path d="m4 4 8 8M12 4l-8 8" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
            </svg>
          </button>
        </div>
        <div className="modal__body">{children}</div>
      </div>
    </div>,
    document.body,
  );
}
