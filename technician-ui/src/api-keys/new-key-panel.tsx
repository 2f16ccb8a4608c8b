import { useEffect, useRef } from 'react';
import { CopyField } from '../../../ui-kit/components/copy-field';
import type { CreatedApiKey } from './types';

/** Shows a just-created key's secret, the only time it is ever visible. */
export function NewKeyPanel({ created, onDone }: { created: CreatedApiKey; onDone: () => void }) {
  const headingRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    headingRef.current?.focus();
  }, []);

  return (
    <section className="secret-panel" aria-labelledby="new-key-title">
      <h3 className="secret-panel__title" id="new-key-title" tabIndex={-1} ref={headingRef}>
        Key “{created.apiKey.name}” created
      </h3>
      <div className="callout callout--warning">
        <svg viewBox="0 0 20 20" aria-hidden="true" focusable="false">
          <path
            d="M10 3 2 17h16L10 3Z"
            fill="none"
            stroke="currentColor"
            strokeWidth="1.6"
            strokeLinejoin="round"
          />
          <path d="M10 8.5v3.5M10 14.5v.5" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" />
        </svg>
        <p>
          <strong>Copy this key now.</strong> This is the only time Settle shows it. Store it in your PSA’s
          integration settings; if you lose it, revoke it and create a new one.
        </p>
      </div>
      <CopyField label="Secret key" value={created.secret} />
      <div className="secret-panel__actions">
        <button type="button" className="btn btn--secondary" onClick={onDone}>
          I’ve copied the key
        </button>
      </div>
    </section>
  );
}
