import { useEffect, useId, useState } from 'react';

const SEARCH_DEBOUNCE_MS = 300;

interface SearchInputProps {
  label: string;
  placeholder: string;
  /** The search in the URL. */
  value: string;
  /** Called once typing pauses. */
  onSearch: (value: string) => void;
}

/** A search box that follows the URL (back button, "Clear") and reports typing after a pause. */
export function SearchInput({ label, placeholder, value, onSearch }: SearchInputProps) {
  const id = useId();
  const [input, setInput] = useState(value);
  const [lastValue, setLastValue] = useState(value);

  if (value !== lastValue) {
    setLastValue(value);
    if (input.trim() !== value) setInput(value);
  }

  useEffect(() => {
    if (input.trim() === value) return;
    const timer = setTimeout(() => onSearch(input.trim()), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [input, value, onSearch]);

  return (
    <div className="search" role="search">
      <label className="sr-only" htmlFor={id}>
        {label}
      </label>
      <svg className="search__icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
        <circle cx="7" cy="7" r="4.75" fill="none" stroke="currentColor" strokeWidth="1.5" />
        <path d="m10.5 10.5 3 3" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
      </svg>
      <input
        id={id}
        className="input"
        type="search"
        placeholder={placeholder}
        value={input}
        onChange={(event) => setInput(event.target.value)}
        autoComplete="off"
        spellCheck={false}
      />
    </div>
  );
}
