import { useState } from 'react';
import { isApiError } from '../../../ui-kit/api-client';
import { Badge } from '../../../ui-kit/components/badge';
import { EmptyState } from '../../../ui-kit/components/empty-state';
import { ErrorState } from '../../../ui-kit/components/error-state';
import { Loading } from '../../../ui-kit/components/loading';
import { PageHeader } from '../../../ui-kit/components/page-header';
import { formatTimestamp } from '../../../ui-kit/dates';
import { useResource } from '../../../ui-kit/use-resource';
import type { MailboxEmailView as MailboxEmail } from '../../../server/email/mailbox';
import { api } from '../api';
import './mailbox.css';

interface MailboxResponse {
  emails: MailboxEmail[];
  smtpConfigured: boolean;
}

function StatusBadge({ status }: { status: MailboxEmail['status'] }) {
  switch (status) {
    case 'stored':
      return (
        <Badge tone="neutral" title="Kept here because no SMTP server is configured; not sent">
          Not sent (demo)
        </Badge>
      );
    case 'sent':
      return <Badge tone="success">Sent</Badge>;
    case 'pending':
    case 'sending':
      return <Badge tone="info">Queued</Badge>;
    case 'dead':
      return <Badge tone="danger">Failed</Badge>;
    default: {
      const unknown: never = status;
      return <Badge tone="neutral">{String(unknown)}</Badge>;
    }
  }
}

/** Essential mail is always sent; notifications carry an unsubscribe link and honour it. */
function kindLabel(kind: MailboxEmail['kind']): string {
  switch (kind) {
    case 'transactional':
      return 'Essential — always sent';
    case 'notification':
      return 'Notification — recipients can unsubscribe';
    default: {
      const unknown: never = kind;
      return String(unknown);
    }
  }
}

/** Links open in a new tab; the sandbox keeps scripts, forms and same-origin access out. */
function frameDocument(html: string): string {
  const base = '<base target="_blank">';
  return /<head[^>]*>/i.test(html) ? html.replace(/<head([^>]*)>/i, `<head$1>${base}`) : `${base}${html}`;
}

function linksIn(text: string): string[] {
  return [...new Set(text.match(/https?:\/\/[^\s<>"]+/g) ?? [])];
}

function EmailView({ email }: { email: MailboxEmail }) {
  const links = linksIn(email.text);
  return (
    <article className="card mailbox-view" aria-labelledby="mailbox-subject">
      <div className="card__header">
        <div className="mailbox-view__head">
          <h2 className="card__title" id="mailbox-subject">
            {email.subject}
          </h2>
          <dl className="mailbox-view__facts">
            <div>
              <dt>To</dt>
              <dd>{email.to}</dd>
            </div>
            <div>
              <dt>Queued</dt>
              <dd>{formatTimestamp(email.createdAt)}</dd>
            </div>
            <div>
              <dt>Status</dt>
              <dd>
                <StatusBadge status={email.status} />
              </dd>
            </div>
            <div>
              <dt>Type</dt>
              <dd>{kindLabel(email.kind)}</dd>
            </div>
          </dl>
          {email.lastError && <p className="field__error">{email.lastError}</p>}
        </div>
      </div>
      {links.length > 0 && (
        <div className="card__body mailbox-view__links">
          <h3 className="mailbox-view__links-title">Links in this email</h3>
          <ul>
            {links.map((href) => (
              <li key={href}>
                <a href={href} target="_blank" rel="noreferrer">
                  {href}
                </a>
              </li>
            ))}
          </ul>
        </div>
      )}
      <iframe
        key={email.id}
        className="mailbox-view__frame"
        title={`Email: ${email.subject}`}
        sandbox="allow-popups allow-popups-to-escape-sandbox"
        referrerPolicy="no-referrer"
        srcDoc={frameDocument(email.html)}
      />
      <details className="mailbox-view__text">
        <summary>Plain-text version</summary>
        <pre>{email.text}</pre>
      </details>
    </article>
  );
}

/**
 * The demo mailbox (/app/mailbox): the installation's latest 50 emails, so someone trying Settle
 * without an SMTP server can open invite and password-reset links.
 */
export function MailboxPage() {
  const mailbox = useResource('mailbox', (signal) => api.get<MailboxResponse>('/mailbox', { signal }), { keepPreviousData: true });
  const [selectedId, setSelectedId] = useState<string | null>(null);

  const header = (
    <PageHeader
      title="Mailbox"
      description={
        mailbox.data?.smtpConfigured
          ? 'The latest emails Settle sent for your installation, as they were sent.'
          : 'No SMTP server is set up, so emails are kept here instead of being sent. Open invite, password-reset and payment links from here.'
      }
      actions={
        <button type="button" className="btn btn--secondary" onClick={mailbox.reload} aria-disabled={mailbox.loading}>
          {mailbox.loading && mailbox.data ? 'Refreshing…' : 'Refresh'}
        </button>
      }
    />
  );

  let body;
  if (mailbox.error && !mailbox.data) {
    body =
      isApiError(mailbox.error) && mailbox.error.code === 'AUTH_FORBIDDEN' ? (
        <div className="card">
          <EmptyState title="Only admins can read the mailbox">
            It holds your clients’ sign-in links. Outside demo mode, ask an admin of your Settle installation.
          </EmptyState>
        </div>
      ) : (
        <div className="card">
          <ErrorState error={mailbox.error} title="We couldn’t load the mailbox" onRetry={mailbox.reload} />
        </div>
      );
  } else if (!mailbox.data) {
    body = <Loading label="Loading emails…" />;
  } else if (mailbox.data.emails.length === 0) {
    body = (
      <div className="card">
        <EmptyState title="No emails yet">Invite someone to the billing portal from a client’s page and the invite shows up here.</EmptyState>
      </div>
    );
  } else {
    const emails = mailbox.data.emails;
    const selected = emails.find((e) => e.id === selectedId) ?? emails[0]!;
    body = (
      <div className="mailbox">
        <nav className="card mailbox-list" aria-label="Emails">
          <ul>
            {emails.map((email) => (
              <li key={email.id}>
                <button
                  type="button"
                  className="mailbox-list__item"
                  aria-current={email.id === selected.id ? 'true' : undefined}
                  onClick={() => setSelectedId(email.id)}
                >
                  <span className="mailbox-list__subject">{email.subject}</span>
                  <span className="mailbox-list__meta">
                    <span className="mailbox-list__to">{email.to}</span>
                    <time dateTime={email.createdAt}>{formatTimestamp(email.createdAt)}</time>
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </nav>
        <EmailView email={selected} />
      </div>
    );
  }

  return (
    <>
      <title>Mailbox · Settle</title>
      {header}
      {body}
    </>
  );
}
