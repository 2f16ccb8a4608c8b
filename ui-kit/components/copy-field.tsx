import { useEffect, useId, useRef, useState } from 'react';

interface CopyFieldProps {
  label: string;
  value: string;
}

/** A read-only value with a "Copy" button (falls back to selecting the text for manual copy). */
export function CopyField({ label, value }: CopyFieldProps) {
  const id = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const [status, setStatus] = useState<'idle' | 'copied' | 'manual'>('idle');

  useEffect(() => {
    if (status !== 'copied') return;
    const timer = setTimeout(() => setStatus('idle'), 2500);
    return () => clearTimeout(timer);
  }, [status]);

  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setStatus('copied');
    } catch {
      inputRef.current?.select();
      setStatus('manual');
    }
  }

  return (
    <div className="field">
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      <div className="copy-field">
        <input
          ref={inputRef}
          id={id}
          className="input input--mono"
          readOnly
          value={value}
          onFocus={(event) => event.currentTarget.select()}
          spellCheck={false}
        />
        <button type="button" className="btn btn--secondary" onClick={copy}>
          {status === 'copied' ? 'Copied' : 'Copy'}
        </button>
      </div>
      <p className="field__hint" role="status" aria-live="polite">
        {status === 'copied' && 'Copied to the clipboard.'}
        {status === 'manual' && 'Your browser blocked copying. The key is selected: press Ctrl+C (⌘C on Mac).'}
      </p>
    </div>
  );
}
