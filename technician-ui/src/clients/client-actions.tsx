import { useId, useState } from 'react';
import type { ResyncResult } from '../../../server/clients/resync-client';
import type { SetupLinkView } from '../../../server/clients/setup-links';
import { ConfirmDialog } from '../../../ui-kit/components/confirm-dialog';
import { CopyField } from '../../../ui-kit/components/copy-field';
import { describeError } from '../../../ui-kit/components/error-state';
import { formatTimestamp } from '../../../ui-kit/dates';
import { api } from '../api';
import type { ClientDetail } from './types';

type Notice = { tone: 'success' | 'error'; text: string } | null;

/** "Send setup link": the contact adds a card or bank account themselves (the preferred way). */
function SetupLinkAction({ client, onNotice }: { client: ClientDetail; onNotice: (n: Notice) => void }) {
  const contactId = useId();
  const [open, setOpen] = useState(false);
  const [contact, setContact] = useState(client.contacts[0]?.id ?? '');
  const [delivery, setDelivery] = useState<'email' | 'copy'>('email');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [link, setLink] = useState<SetupLinkView | null>(null);
  const mapped = Boolean(client.stripeCustomerId);

  async function create() {
    setBusy(true);
    setError(null);
    try {
      const { setupLink } = await api.post<{ setupLink: SetupLinkView }>(`/clients/${encodeURIComponent(client.id)}/setup-links`, { contactId: contact, delivery });
      setLink(setupLink);
      if (setupLink.emailed) {
        setOpen(false);
        onNotice({ tone: 'success', text: `Setup link emailed to ${setupLink.contact.email}. It works once, until ${formatTimestamp(setupLink.expiresAt)}.` });
      }
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  }

  function close() {
    setOpen(false);
    setLink(null);
    setError(null);
  }

  return (
    <>
      <button
        type="button"
        className="btn btn--primary"
        onClick={() => setOpen(true)}
        disabled={!mapped || client.contacts.length === 0}
        title={!mapped ? 'Map this client to a Stripe customer first' : client.contacts.length === 0 ? 'This client has no contacts' : undefined}
      >
        Send setup link
      </button>
      <ConfirmDialog
        open={open}
        title={link ? 'Setup link ready' : 'Send a secure setup link'}
        confirmLabel={link ? 'Done' : delivery === 'email' ? 'Email the link' : 'Create the link'}
        busyLabel="Creating…"
        busy={busy}
        error={error}
        tone="primary"
        onConfirm={link ? close : () => void create()}
        onCancel={close}
      >
        {link ? (
          <div className="stack">
            <p>Give this link to {link.contact.name}. It works once, until {formatTimestamp(link.expiresAt)}.</p>
            <CopyField label="Setup link" value={link.url} />
          </div>
        ) : (
          <div className="stack">
            <p>The contact enters their card or bank details themselves on a secure page, and accepts the bank debit authorization in their own name. The link works once, for 72 hours.</p>
            <div className="field">
              <label className="field__label" htmlFor={contactId}>
                Contact
              </label>
              <select id={contactId} className="input" value={contact} onChange={(e) => setContact(e.target.value)}>
                {client.contacts.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name} ({c.email})
                  </option>
                ))}
              </select>
            </div>
            <fieldset className="fieldset">
              <legend className="field__label">How to send it</legend>
              <label className="checkbox">
                <input type="radio" name="delivery" checked={delivery === 'email'} onChange={() => setDelivery('email')} /> Email it to the contact
              </label>
              <label className="checkbox">
                <input type="radio" name="delivery" checked={delivery === 'copy'} onChange={() => setDelivery('copy')} /> Create a link to copy (phone, chat)
              </label>
            </fieldset>
          </div>
        )}
      </ConfirmDialog>
    </>
  );
}

/** "Resync from Stripe": re-reads the customer, methods and unfinished payments. */
function ResyncAction({ client, onNotice, onDone }: { client: ClientDetail; onNotice: (n: Notice) => void; onDone: () => void }) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function resync() {
    setBusy(true);
    setError(null);
    try {
      const { resync } = await api.post<{ resync: ResyncResult }>(`/clients/${encodeURIComponent(client.id)}/resync`);
      setOpen(false);
      onNotice({
        tone: 'success',
        text:
          resync.updated === 0
            ? `Everything already matched Stripe (${resync.paymentMethods} payment methods, ${resync.payments} unfinished payments checked).`
            : `Resynced from Stripe: ${resync.updated} ${resync.updated === 1 ? 'record' : 'records'} updated.`,
      });
      onDone();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <>
      <button type="button" className="btn btn--secondary" onClick={() => setOpen(true)} disabled={!client.stripeCustomerId} title={client.stripeCustomerId ? undefined : 'Map this client to a Stripe customer first'}>
        Resync from Stripe
      </button>
      <ConfirmDialog open={open} title="Resync from Stripe?" confirmLabel="Resync" busyLabel="Resyncing…" busy={busy} error={error} tone="primary" onConfirm={() => void resync()} onCancel={() => setOpen(false)}>
        <p>Settle reads this client’s Stripe customer, saved payment methods and unfinished payments again, and corrects anything a missed webhook left behind. Nothing is charged or changed in Stripe.</p>
      </ConfirmDialog>
    </>
  );
}

export function ClientActions({ client, onChanged }: { client: ClientDetail; onChanged: () => void }) {
  const [notice, setNotice] = useState<Notice>(null);
  return (
    <div className="client-actions">
      <div className="client-actions__buttons">
        <SetupLinkAction client={client} onNotice={setNotice} />
        <ResyncAction client={client} onNotice={setNotice} onDone={onChanged} />
      </div>
      <p className={notice ? `client-actions__notice alert alert--${notice.tone}` : 'sr-only'} role="status">
        {notice?.text ?? ''}
      </p>
    </div>
  );
}
