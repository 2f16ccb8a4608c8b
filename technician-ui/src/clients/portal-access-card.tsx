import { useEffect, useId, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { isApiError } from '../../../ui-kit/api-client';
import { Badge } from '../../../ui-kit/components/badge';
import { ConfirmDialog } from '../../../ui-kit/components/confirm-dialog';
import { EmptyState } from '../../../ui-kit/components/empty-state';
import { describeError, ErrorState } from '../../../ui-kit/components/error-state';
import { Loading } from '../../../ui-kit/components/loading';
import { formatTimestamp } from '../../../ui-kit/dates';
import { useResource } from '../../../ui-kit/use-resource';
import type { PortalUserView as PortalUser } from '../../../server/portal-access/portal-users';
import { api } from '../api';
import type { Contact, PortalAccess } from './types';
import './portal-access.css';

const SOMEONE_ELSE = '';
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+$/;

const base = (clientId: string) => `/clients/${encodeURIComponent(clientId)}/portal-users`;

function StatusBadge({ user }: { user: PortalUser }) {
  switch (user.status) {
    case 'active':
      return <Badge tone="success">Active</Badge>;
    case 'invited':
      return (
        <Badge tone="info" title={user.inviteExpiresAt ? `Invite link works until ${formatTimestamp(user.inviteExpiresAt)}` : undefined}>
          Invited
        </Badge>
      );
    case 'invite_expired':
      return (
        <Badge tone="warning" title="The invite link expired before it was used. Resend it.">
          Invite expired
        </Badge>
      );
    case 'revoked':
      return (
        <Badge tone="neutral" title={user.revokedAt ? `Revoked ${formatTimestamp(user.revokedAt)}` : undefined}>
          Revoked
        </Badge>
      );
    default: {
      const unknown: never = user.status;
      return <Badge tone="neutral">{String(unknown)}</Badge>;
    }
  }
}

function statusDetail(user: PortalUser): string {
  switch (user.status) {
    case 'invited':
      return user.inviteExpiresAt ? `Link works until ${formatTimestamp(user.inviteExpiresAt)}` : 'Waiting for them to set a password';
    case 'invite_expired':
      return 'Link expired: resend it';
    case 'revoked':
      return user.revokedAt ? `Since ${formatTimestamp(user.revokedAt)}` : '';
    default:
      return '';
  }
}

interface InviteErrors {
  who?: string | undefined;
  email?: string | undefined;
  name?: string | undefined;
}

/** Invite a contact of the client (or anyone, by email and name) to the billing portal. */
function InviteForm({
  clientId,
  contacts,
  users,
  onInvited,
  onCancel,
}: {
  clientId: string;
  contacts: Contact[];
  /** The current list: contacts it shows with access are not offered again (the contact list may be older). */
  users: PortalUser[];
  onInvited: (user: PortalUser) => void;
  onCancel: () => void;
}) {
  const id = useId();
  const taken = new Set(users.filter((u) => u.status !== 'revoked').flatMap((u) => [u.contactId, u.email.toLowerCase()]));
  const invitable = contacts.filter((c) => !taken.has(c.id) && !taken.has(c.email.toLowerCase()) && (c.portalAccess === 'none' || users.some((u) => u.contactId === c.id && u.status === 'revoked')));
  const [who, setWho] = useState(invitable[0]?.id ?? SOMEONE_ELSE);
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [errors, setErrors] = useState<InviteErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const whoRef = useRef<HTMLSelectElement>(null);
  const emailRef = useRef<HTMLInputElement>(null);
  const nameRef = useRef<HTMLInputElement>(null);

  const focusFirst = (e: InviteErrors) => {
    if (e.who) whoRef.current?.focus();
    else if (e.email) emailRef.current?.focus();
    else if (e.name) nameRef.current?.focus();
  };

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (submitting) return;
    setFormError(null);
    const next: InviteErrors = {};
    if (who === SOMEONE_ELSE) {
      if (email.trim() === '') next.email = 'Enter the email address to send the invite to.';
      else if (!EMAIL_SHAPE.test(email.trim())) next.email = 'Enter an email address like name@company.com.';
      if (name.trim() === '') next.name = 'Enter the person’s name.';
    }
    setErrors(next);
    if (next.email || next.name) return focusFirst(next);
    setSubmitting(true);
    try {
      const body = who === SOMEONE_ELSE ? { email: email.trim(), name: name.trim() } : { contactId: who };
      const { portalUser } = await api.post<{ portalUser: PortalUser }>(base(clientId), body);
      onInvited(portalUser);
    } catch (error) {
      setSubmitting(false);
      if (isApiError(error)) {
        const fromServer: InviteErrors = {
          who: error.fieldMessage('contactId'),
          email: error.fieldMessage('email'),
          name: error.fieldMessage('name'),
        };
        // An email that already has access is about the person chosen, wherever it was typed.
        if (error.code === 'PORTAL_USER_EXISTS' && who !== SOMEONE_ELSE) {
          fromServer.who = error.message;
          fromServer.email = undefined;
        }
        if (fromServer.who || fromServer.email || fromServer.name) {
          setErrors(fromServer);
          return focusFirst(fromServer);
        }
      }
      setFormError(`We couldn’t send the invite. ${describeError(error)}`);
    }
  }

  const errorId = (field: keyof InviteErrors) => `${id}-${field}-error`;
  const describedBy = (field: keyof InviteErrors, hint?: string) => [errors[field] ? errorId(field) : null, hint].filter(Boolean).join(' ') || undefined;
  return (
    <form className="portal-invite" noValidate onSubmit={handleSubmit} aria-labelledby={`${id}-title`}>
      <h3 className="portal-invite__title" id={`${id}-title`}>
        Invite someone to the billing portal
      </h3>
      {formError && (
        <div className="alert alert--error" role="alert">
          {formError}
        </div>
      )}
      <div className="field">
        <label className="field__label" htmlFor={`${id}-who`}>
          Person
        </label>
        <select
          ref={whoRef}
          id={`${id}-who`}
          className="input"
          value={who}
          onChange={(event) => {
            setWho(event.target.value);
            setErrors({});
          }}
          aria-invalid={errors.who ? true : undefined}
          aria-describedby={describedBy('who', `${id}-who-hint`)}
        >
          {invitable.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name} ({c.email})
            </option>
          ))}
          <option value={SOMEONE_ELSE}>Someone else — enter their email</option>
        </select>
        {errors.who && (
          <p className="field__error" id={errorId('who')}>
            {errors.who}
          </p>
        )}
        <p className="field__hint" id={`${id}-who-hint`}>
          {invitable.length > 0 ? 'Contacts from your PSA who don’t have portal access yet.' : 'Every contact from your PSA already has access or an invite.'}
        </p>
      </div>
      {who === SOMEONE_ELSE && (
        <div className="portal-invite__row">
          <div className="field">
            <label className="field__label" htmlFor={`${id}-email`}>
              Email
            </label>
            <input
              ref={emailRef}
              id={`${id}-email`}
              className="input"
              type="email"
              autoComplete="off"
              inputMode="email"
              autoCapitalize="none"
              spellCheck={false}
              value={email}
              onChange={(event) => setEmail(event.target.value)}
              aria-invalid={errors.email ? true : undefined}
              aria-describedby={describedBy('email')}
            />
            {errors.email && (
              <p className="field__error" id={errorId('email')}>
                {errors.email}
              </p>
            )}
          </div>
          <div className="field">
            <label className="field__label" htmlFor={`${id}-name`}>
              Name
            </label>
            <input
              ref={nameRef}
              id={`${id}-name`}
              className="input"
              autoComplete="off"
              value={name}
              onChange={(event) => setName(event.target.value)}
              aria-invalid={errors.name ? true : undefined}
              aria-describedby={describedBy('name')}
            />
            {errors.name && (
              <p className="field__error" id={errorId('name')}>
                {errors.name}
              </p>
            )}
          </div>
        </div>
      )}
      <p className="subtle portal-invite__note">They get an email with a link to set a password. The link works once, for 7 days.</p>
      <div className="form-actions">
        <button type="submit" className="btn btn--primary" aria-disabled={submitting}>
          {submitting ? 'Sending invite…' : 'Send invite'}
        </button>
        <button type="button" className="btn btn--secondary" onClick={onCancel} disabled={submitting}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** Each contact's portal access as the live list says (the client page's copy is from page load). */
export type PortalAccessByContact = ReadonlyMap<string, PortalAccess>;

function accessByContact(contacts: Contact[], users: PortalUser[]): PortalAccessByContact {
  const map = new Map<string, PortalAccess>();
  for (const c of contacts) {
    const user = users.find((u) => u.status !== 'revoked' && (u.contactId === c.id || u.email.toLowerCase() === c.email.toLowerCase()));
    map.set(c.id, !user ? 'none' : user.status === 'active' ? 'active' : 'invited');
  }
  return map;
}

/** The contacts with their portal access brought up to date from `access` (when known). */
export function withLiveAccess(contacts: Contact[], access: PortalAccessByContact | null): Contact[] {
  return access ? contacts.map((c) => ({ ...c, portalAccess: access.get(c.id) ?? c.portalAccess })) : contacts;
}

/**
 * "Portal access" on the client page: who at the client can sign in to the billing portal, with
 * invite, resend and revoke. `onAccessChange` reports each contact's access whenever the list loads,
 * so the page's contact badges stay in step without reloading the page.
 */
export function PortalAccessCard({
  clientId,
  clientName,
  contacts,
  onAccessChange,
}: {
  clientId: string;
  clientName: string;
  contacts: Contact[];
  onAccessChange?: ((access: PortalAccessByContact) => void) | undefined;
}) {
  const users = useResource(`portal-users:${clientId}`, (signal) => api.get<{ portalUsers: PortalUser[] }>(base(clientId), { signal }), { keepPreviousData: true });
  const loaded = users.data?.portalUsers;
  useEffect(() => {
    if (loaded) onAccessChange?.(accessByContact(contacts, loaded));
  }, [loaded, contacts, onAccessChange]);
  const [inviting, setInviting] = useState(false);
  const [announcement, setAnnouncement] = useState('');
  const [rowError, setRowError] = useState<{ id: string; message: string } | null>(null);
  const [resending, setResending] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<PortalUser | null>(null);
  const [revokeBusy, setRevokeBusy] = useState(false);
  const [revokeError, setRevokeError] = useState<string | null>(null);
  const inviteButtonRef = useRef<HTMLButtonElement>(null);

  function changed(message: string) {
    setAnnouncement(message);
    users.reload();
  }

  async function resend(user: PortalUser) {
    if (resending) return;
    setResending(user.id);
    setRowError(null);
    try {
      await api.post(`${base(clientId)}/${encodeURIComponent(user.id)}/resend`);
      changed(`A new invite link was sent to ${user.email}. The previous link no longer works.`);
    } catch (error) {
      setRowError({ id: user.id, message: describeError(error) });
    } finally {
      setResending(null);
    }
  }

  async function confirmRevoke() {
    if (!revoking || revokeBusy) return;
    setRevokeBusy(true);
    setRevokeError(null);
    try {
      await api.delete(`${base(clientId)}/${encodeURIComponent(revoking.id)}`);
      const who = revoking;
      setRevoking(null);
      changed(`${who.name} can no longer sign in to the billing portal.`);
    } catch (error) {
      setRevokeError(describeError(error));
    } finally {
      setRevokeBusy(false);
    }
  }

  let list;
  if (users.error && !users.data) {
    list = <ErrorState error={users.error} title="We couldn’t load portal access" onRetry={users.reload} />;
  } else if (!users.data) {
    list = <Loading label="Loading portal access…" />;
  } else if (users.data.portalUsers.length === 0) {
    list = <EmptyState title="Nobody has portal access yet">Invite someone at {clientName} so they can see and pay their invoices online.</EmptyState>;
  } else {
    list = (
      <div className="table-scroll" role="region" aria-label="Portal users" tabIndex={0} aria-busy={users.loading}>
        <table className="table table--stack portal-users">
          <thead>
            <tr>
              <th scope="col">Person</th>
              <th scope="col">Status</th>
              <th scope="col">Last sign-in</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {users.data.portalUsers.map((user) => (
              <tr key={user.id} className={user.status === 'revoked' ? 'is-muted' : undefined}>
                <td className="is-primary">
                  <div className="cell-primary">
                    <span className="cell-primary__title">{user.name}</span>
                    <span className="cell-primary__sub">{user.email}</span>
                  </div>
                </td>
                <td className="is-badge" data-label="Status">
                  <div className="cell-stack">
                    <StatusBadge user={user} />
                    {statusDetail(user) && <span className="cell-stack__sub">{statusDetail(user)}</span>}
                  </div>
                </td>
                <td data-label="Last sign-in" className="num">
                  {user.lastLoginAt ? formatTimestamp(user.lastLoginAt) : <span className="subtle">Never</span>}
                </td>
                <td className="is-actions">
                  <div className="portal-users__actions">
                    {(user.status === 'invited' || user.status === 'invite_expired') && (
                      <button
                        type="button"
                        className="btn btn--secondary btn--sm"
                        onClick={() => resend(user)}
                        aria-disabled={resending !== null}
                        aria-label={`Resend invite to ${user.name}`}
                      >
                        {resending === user.id ? 'Sending…' : 'Resend'}
                      </button>
                    )}
                    {user.status !== 'revoked' && (
                      <button
                        type="button"
                        className="btn btn--danger-outline btn--sm"
                        onClick={() => {
                          setRevokeError(null);
                          setRevoking(user);
                        }}
                        aria-label={`Revoke portal access for ${user.name}`}
                      >
                        Revoke
                      </button>
                    )}
                  </div>
                  {rowError?.id === user.id && (
                    <p className="field__error portal-users__error" role="alert">
                      {rowError.message}
                    </p>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    );
  }

  return (
    <section className="card section" aria-labelledby="portal-access-title">
      <div className="card__header">
        <div>
          <h2 className="card__title" id="portal-access-title">
            Portal access
          </h2>
          <p className="card__description">Who at {clientName} can sign in to the billing portal to see and pay invoices.</p>
        </div>
        {!inviting && (
          <button ref={inviteButtonRef} type="button" className="btn btn--primary" onClick={() => setInviting(true)}>
            Invite
          </button>
        )}
      </div>
      {inviting && (
        <div className="card__body portal-invite__body">
          <InviteForm
            clientId={clientId}
            contacts={contacts}
            users={users.data?.portalUsers ?? []}
            onInvited={(user) => {
              setInviting(false);
              changed(`Invite sent to ${user.email}.`);
              requestAnimationFrame(() => inviteButtonRef.current?.focus());
            }}
            onCancel={() => {
              setInviting(false);
              requestAnimationFrame(() => inviteButtonRef.current?.focus());
            }}
          />
        </div>
      )}
      <div role="status" className={announcement ? 'card__body portal-access__notice' : 'sr-only'}>
        {announcement && <p className="alert alert--success">{announcement}</p>}
      </div>
      {list}
      <ConfirmDialog
        open={revoking !== null}
        title={revoking ? `Revoke portal access for ${revoking.name}?` : 'Revoke portal access?'}
        confirmLabel="Revoke access"
        busyLabel="Revoking…"
        busy={revokeBusy}
        error={revokeError}
        onConfirm={confirmRevoke}
        onCancel={() => {
          setRevokeError(null);
          setRevoking(null);
        }}
      >
        <p>
          {revoking?.email} is signed out everywhere at once and can’t sign in again. Their saved payment methods and autopay
          stay with {clientName}. You can invite them again later.
        </p>
      </ConfirmDialog>
    </section>
  );
}
