import { useState } from 'react';
import { useDebouncedValue } from '../../../ui-kit/use-debounced-value';
import { useResource } from '../../../ui-kit/use-resource';
import { api } from '../api';
import type { ClientListResponse } from '../clients/types';
import { describedBy, Field } from './form-dialog';

/** Search your clients by name or email and pick one (for assigning a payment). */
export function ClientPicker({ id, value, onChange, error }: { id: string; value: string; onChange: (clientId: string) => void; error?: string | undefined }) {
  const [search, setSearch] = useState('');
  const debounced = useDebouncedValue(search, 250);
  const { data } = useResource(`client-picker:${debounced}`, (signal) => api.get<ClientListResponse>(`/clients?pageSize=50${debounced ? `&search=${encodeURIComponent(debounced)}` : ''}`, { signal }), { keepPreviousData: true });
  const clients = data?.clients ?? [];
  return (
    <div className="ledger-row">
      <Field id={`${id}-search`} label="Find a client">
        <input id={`${id}-search`} className="input" type="search" placeholder="Name or email" value={search} onChange={(e) => setSearch(e.target.value)} />
      </Field>
      <Field id={id} label="Client" error={error}>
        <select id={id} className="input" value={value} onChange={(e) => onChange(e.target.value)} aria-invalid={Boolean(error)} aria-describedby={describedBy(id, false, error)}>
          <option value="">Choose…</option>
          {clients.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
      </Field>
    </div>
  );
}
