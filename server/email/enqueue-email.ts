// Email, step 1: record the message in the outbox (kind 'email') in the same transaction as the
// change it is about, so the change and the promise to tell someone commit or roll back together.
// Delivery (deliver-email.ts) happens later: SMTP when SMTP_URL is set, else the row is kept as
// `stored` for the demo mailbox. Nothing is ever sent from inside a request.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import type { InstallationScope } from '../db/tenant-scope';

export type EmailKind = 'transactional' | 'notification';

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** transactional: needed to use the account (invite, reset, receipt); notification: may be unsubscribed from. */
  kind: EmailKind;
  /** Same key, same installation: the second enqueue is a no-op. Derive it from Settle's ids, never random. */
  dedupeKey: string;
  clientId?: string | null;
  /** Non-essential mail only: the one-click unsubscribe endpoint (sent as List-Unsubscribe, RFC 8058). */
  listUnsubscribeUrl?: string | null;
}

/** What the outbox row's payload holds for kind 'email'. */
export interface EmailPayload {
  to: string;
  subject: string;
  text: string;
  html: string;
  kind: EmailKind;
  clientId: string | null;
  /** Absent on rows queued before unsubscribe links existed. */
  listUnsubscribeUrl?: string | null;
}

/** One plain address (no display name, no list): what a PSA-typed email field must be to be mailed. */
export function isSingleAddress(value: string): boolean {
  const to = value.trim();
  return /^[^\s@<>"]+@[^\s@<>"]+$/.test(to) && to.length <= 254;
}

/**
 * Queues one email. Call with the scope bound to the caller's transaction. Returns the outbox row id,
 * or null when a message with this dedupe key was already queued in this installation (nothing is
 * changed then). Never sends anything itself.
 */
export async function enqueueEmail(scope: InstallationScope, message: EmailMessage, clock: Clock): Promise<{ id: string } | null> {
  const to = message.to.trim();
  if (!isSingleAddress(to)) throw new Error('enqueueEmail: the recipient is not a single email address');
  if (/[\r\n]/.test(message.subject)) throw new Error('enqueueEmail: the subject must be one line');
  if (!message.dedupeKey) throw new Error('enqueueEmail: a dedupe key is required');
  if (message.listUnsubscribeUrl && !/^https?:\/\/[^\s<>]+$/.test(message.listUnsubscribeUrl)) throw new Error('enqueueEmail: the unsubscribe URL must be one absolute http(s) URL');
  const id = randomUUID();
  const now = clock.now();
  const payload: EmailPayload = {
    to,
    subject: message.subject,
    text: message.text,
    html: message.html,
    kind: message.kind,
    clientId: message.clientId ?? null,
    listUnsubscribeUrl: message.listUnsubscribeUrl ?? null,
  };
  const inserted = (await scope
    .insert('outbox', {
      id,
      kind: 'email',
      dedupe_key: message.dedupeKey,
      payload: JSON.stringify(payload),
      status: 'pending',
      next_attempt_at: now,
      created_at: now,
      updated_at: now,
    })
    .onConflict(['installation_id', 'kind', 'dedupe_key'])
    .ignore()
    .returning('id')) as Array<{ id: string }>;
  return inserted.length ? { id } : null;
}
