import { useId } from 'react';
import { AUTHORIZATION_CHANNELS, CHANNEL_WORDS, type AuthorizationChannel } from '../../../server/staff-payment-methods/authorization-texts';

export { CHANNEL_WORDS };

/** "How did the client authorize it?": phone, in person, email, signed form. */
export function ChannelSelect({ label, value, onChange }: { label: string; value: AuthorizationChannel; onChange: (c: AuthorizationChannel) => void }) {
  const id = useId();
  return (
    <div className="field">
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      <select id={id} className="input add-method__channel" value={value} onChange={(e) => onChange(e.target.value as AuthorizationChannel)}>
        {AUTHORIZATION_CHANNELS.map((c) => (
          <option key={c} value={c}>
            {CHANNEL_WORDS[c].charAt(0).toUpperCase() + CHANNEL_WORDS[c].slice(1)}
          </option>
        ))}
      </select>
    </div>
  );
}
