// The demo mailbox: the latest emails of an installation as they were queued, so a person trying
// Settle without an SMTP server can open invite and reset links. Read-only.
import type { InstallationScope } from '../db/tenant-scope';
import type { EmailKind, EmailPayload } from './enqueue-email';

export interface MailboxEmailView {
  id: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  kind: EmailKind;
  status: 'pending' | 'sending' | 'sent' | 'stored' | 'dead';
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

interface Row {
  id: string;
  payload: unknown;
  status: MailboxEmailView['status'];
  last_error: string | null;
  created_at: Date;
  sent_at: Date | null;
}

export const MAILBOX_SIZE = 50;

/** The latest 50 emails of the installation, newest first. */
export async function listMailbox(scope: InstallationScope): Promise<MailboxEmailView[]> {
  const rows = (await scope
    .from('outbox')
    .where('kind', 'email')
    .orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }])
    .limit(MAILBOX_SIZE)
    .select('id', 'payload', 'status', 'last_error', 'created_at', 'sent_at')) as Row[];
  return rows.map((r) => {
    const p = (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as EmailPayload;
    return {
      id: r.id,
      to: p.to,
      subject: p.subject,
      text: p.text,
      html: p.html,
      kind: p.kind,
      status: r.status,
      lastError: r.last_error,
      createdAt: r.created_at.toISOString(),
      sentAt: r.sent_at?.toISOString() ?? null,
    };
  });
}
