import { useId } from 'react';

/** A labelled native date input for a filter bar (keyboard entry and the browser's picker). */
export function DateFilter({ label, value, onChange }: { label: string; value: string; onChange: (v: string) => void }) {
  const id = useId();
  return (
    <div className="filter">
      <label className="filter__label" htmlFor={id}>
        {label}
      </label>
      <input id={id} className="input filter__date" type="date" value={value} onChange={(e) => onChange(e.target.value)} />
    </div>
  );
}
