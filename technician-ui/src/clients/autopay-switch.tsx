// Autopay on/off for a client, on the Payment methods tab. Turning it on needs a verified method and
// the client's autopay authorization, which the technician confirms with how it was given (the text
// is shown and recorded); turning it off is confirmed. Pause and resume live with the autopay card.
import { useId, useState } from 'react';
import type { AddMethodOptions } from '../../../server/staff-payment-methods/add-method-options';
import type { AuthorizationChannel } from '../../../server/staff-payment-methods/authorization-texts';
import type { StaffPaymentMethodView } from '../../../server/staff-payment-methods/list-staff-payment-methods';
import type { StaffAutopayView } from '../../../server/staff-payment-methods/staff-autopay';
import { Badge } from '../../../ui-kit/components/badge';
import { ConfirmDialog } from '../../../ui-kit/components/confirm-dialog';
import { describeError } from '../../../ui-kit/components/error-state';
import { formatTimestamp } from '../../../ui-kit/dates';
import { api } from '../api';
import { CHANNEL_WORDS, ChannelSelect } from './authorization-channel';


interface Props {
  clientId: string;
  autopay: StaffAutopayView;
  methods: StaffPaymentMethodView[];
  canChange: boolean;
  onChanged: (text: string) => void;
}

export function AutopaySwitch({ clientId, autopay, methods, canChange, onChanged }: Props) {
  const ids = { method: useId(), text: useId() };
  const usable = methods.filter((m) => m.status === 'active');
  const [open, setOpen] = useState<'on' | 'off' | null>(null);
  const [options, setOptions] = useState<AddMethodOptions | null>(null);
  const [methodId, setMethodId] = useState('');
  const [channel, setChannel] = useState<AuthorizationChannel>('phone');
  const [confirmed, setConfirmed] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const current = methods.find((m) => m.id === autopay.paymentMethodId);
  const path = `/clients/${encodeURIComponent(clientId)}/autopay`;

  async function openOn() {
    setOpen('on');
    setError(null);
    setConfirmed(false);
    setMethodId(autopay.paymentMethodId ?? usable[0]?.id ?? '');
    try {
      setOptions(await api.get<AddMethodOptions>(`/clients/${encodeURIComponent(clientId)}/payment-methods/add-options`));
    } catch (err) {
      setError(describeError(err));
    }
  }

  async function save() {
    if (open === 'on' && !confirmed) {
      setError('Confirm the client’s autopay authorization first.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const body = open === 'on' ? { enabled: true, paymentMethodId: methodId, authorization: { channel, confirmed: true, version: options?.version ?? '' } } : { enabled: false };
      const { autopay: next } = await api.request<{ autopay: StaffAutopayView }>('PUT', path, { body });
      const label = methods.find((m) => m.id === next.paymentMethodId)?.label;
      setOpen(null);
      onChanged(next.enabled ? `Autopay is on: ${label ?? 'the chosen method'} is charged on each invoice’s due date.` : 'Autopay is off. Nothing is charged automatically.');
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  }

  const state = !autopay.enabled ? (
    <Badge tone="neutral">Autopay off</Badge>
  ) : autopay.pausedReason ? (
    <Badge tone="warning">Autopay paused</Badge>
  ) : (
    <Badge tone="success">Autopay on</Badge>
  );
  const detail = !autopay.enabled
    ? usable.length === 0
      ? 'Turning autopay on needs a verified card or bank account.'
      : 'Invoices are paid when the client pays them.'
    : `${current?.label ?? 'A saved method'} is charged on each invoice’s due date${autopay.pausedReason ? ` — paused: ${autopay.pausedReason}` : ''}.`;
  const consent = autopay.consent
    ? autopay.consent.by === 'technician'
      ? `Client authorized ${(autopay.consent.channel ? CHANNEL_WORDS[autopay.consent.channel] : 'offline')}, recorded ${formatTimestamp(autopay.consent.acceptedAt)}`
      : `Client turned it on in the portal, ${formatTimestamp(autopay.consent.acceptedAt)}`
    : null;

  return (
    <section className="card autopay-switch" aria-label="Autopay">
      <div className="autopay-switch__body">
        <div className="cell-stack" style={{ justifyItems: 'start' }}>
          <h2 className="card__title">
            Autopay {state}
          </h2>
          <span className="cell-stack__sub">{detail}</span>
          {consent && <span className="cell-stack__sub">{consent}</span>}
        </div>
        <div className="autopay-switch__actions">
          {autopay.enabled && usable.length > 1 && (
            <button type="button" className="btn btn--secondary" onClick={() => void openOn()} disabled={!canChange}>
              Change method
            </button>
          )}
          {autopay.enabled ? (
            <button type="button" className="btn btn--secondary" onClick={() => { setOpen('off'); setError(null); }} disabled={!canChange}>
              Turn autopay off
            </button>
          ) : (
            <button type="button" className="btn btn--secondary" onClick={() => void openOn()} disabled={!canChange || usable.length === 0} title={usable.length === 0 ? 'Add a verified card or bank account first' : undefined}>
              Turn autopay on
            </button>
          )}
        </div>
      </div>
      <ConfirmDialog
        open={open === 'off'}
        title="Turn autopay off?"
        confirmLabel="Turn autopay off"
        busyLabel="Turning off…"
        busy={busy}
        error={error}
        onConfirm={() => void save()}
        onCancel={() => setOpen(null)}
      >
        <p>No invoice of this client is charged automatically any more. The client can turn it on again in the portal.</p>
      </ConfirmDialog>
      <ConfirmDialog
        open={open === 'on'}
        title={autopay.enabled ? 'Change the autopay method' : 'Turn autopay on'}
        confirmLabel={autopay.enabled ? 'Save' : 'Turn autopay on'}
        busyLabel="Saving…"
        busy={busy || !options}
        error={error}
        tone="primary"
        onConfirm={() => void save()}
        onCancel={() => setOpen(null)}
      >
        <div className="stack">
          <div className="field">
            <label className="field__label" htmlFor={ids.method}>
              Charge
            </label>
            <select id={ids.method} className="input" value={methodId} onChange={(e) => setMethodId(e.target.value)}>
              {usable.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.label}
                </option>
              ))}
            </select>
          </div>
          <ChannelSelect label="How did the client authorize autopay?" value={channel} onChange={setChannel} />
          <div className="mandate-box" id={ids.text} tabIndex={0} role="region" aria-label="Autopay authorization">
            {options?.autopayText ?? 'Loading…'}
          </div>
          <label className="checkbox">
            <input type="checkbox" checked={confirmed} onChange={(e) => { setConfirmed(e.target.checked); if (e.target.checked) setError(null); }} aria-describedby={ids.text} />
            <span>I confirm the client authorized autopay as described above, {CHANNEL_WORDS[channel]}.</span>
          </label>
        </div>
      </ConfirmDialog>
    </section>
  );
}
