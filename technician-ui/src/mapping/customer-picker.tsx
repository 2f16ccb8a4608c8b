import { useEffect, useId, useRef, useState } from 'react';
import { describeError } from '../../../ui-kit/components/error-state';
import { useDebouncedValue } from '../../../ui-kit/use-debounced-value';
import type { CustomerSearchResponse, MappingClientView } from './types';
import { mapClient, searchCustomers } from './use-mapping';

/** Dialog to map one client to a Stripe customer found by name or email. */
export function CustomerPicker({ client, onClose, onMapped }: { client: MappingClientView | null; onClose: () => void; onMapped: (message: string) => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const inputId = useId();
  const [query, setQuery] = useState('');
  const debounced = useDebouncedValue(query.trim(), 300);
  const [results, setResults] = useState<CustomerSearchResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (client && !dialog.open) dialog.showModal();
    if (!client && dialog.open) dialog.close();
  }, [client]);

  useEffect(() => {
    if (!client || debounced.length < 2) return;
    const controller = new AbortController();
    searchCustomers(debounced, controller.signal).then(
      (r) => {
        if (!controller.signal.aborted) setResults(r);
      },
      (cause: unknown) => {
        if (!controller.signal.aborted) setError(describeError(cause));
      },
    );
    return () => controller.abort();
  }, [client, debounced]);

  function close() {
    setQuery('');
    setResults(null);
    setError(null);
    onClose();
  }

  async function pick(customerId: string) {
    if (!client) return;
    setBusy(true);
    setError(null);
    try {
      await mapClient(client.id, customerId);
      onMapped(`${client.name} mapped to ${customerId}.`);
      close();
    } catch (cause) {
      setError(describeError(cause));
    } finally {
      setBusy(false);
    }
  }

  return (
    <dialog ref={ref} className="dialog mapping-dialog" aria-labelledby={titleId} onCancel={(e) => { e.preventDefault(); if (!busy) close(); }}>
      <h2 id={titleId} className="dialog__title">
        Choose a Stripe customer{client ? ` for ${client.name}` : ''}
      </h2>
      <div className="dialog__body stack">
        <div className="field">
          <label className="field__label" htmlFor={inputId}>
            Search Stripe customers by name, email or id
          </label>
          <input id={inputId} className="input" type="search" value={query} onChange={(e) => setQuery(e.target.value)} autoComplete="off" spellCheck={false} autoFocus />
        </div>
        {results && debounced.length >= 2 && (
          results.customers.length === 0 ? (
            <p className="muted">No Stripe customer matches “{debounced}”.</p>
          ) : (
            <ul className="mapping-results">
              {results.customers.map((c) => {
                const taken = c.mappedTo && c.mappedTo.clientId !== client?.id;
                return (
                  <li key={c.id}>
                    <button type="button" disabled={busy || !!taken} onClick={() => pick(c.id)}>
                      <span className="cell-primary">
                        <span className="cell-primary__title">{c.name ?? '(no name)'}</span>
                        <span className="cell-primary__sub">{c.email ?? 'no email'}</span>
                      </span>
                      <span className="cell-stack">
                        <span className="mono">{c.id}</span>
                        {taken && <span className="cell-stack__sub">Mapped to {c.mappedTo!.clientName}</span>}
                      </span>
                    </button>
                  </li>
                );
              })}
            </ul>
          )
        )}
        {results && !results.stripeSearched && <p className="alert alert--warning">Stripe did not answer; these results come from the last import.</p>}
      </div>
      {error && (
        <p className="alert alert--error" role="alert">
          {error}
        </p>
      )}
      <div className="dialog__actions">
        <button type="button" className="btn btn--secondary" onClick={close} disabled={busy}>
          Cancel
        </button>
      </div>
    </dialog>
  );
}
