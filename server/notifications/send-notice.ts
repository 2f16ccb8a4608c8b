// The one way a notification leaves Settle. Inside the caller's transaction it records the event in
// `notifications` (unique per installation and event key) and, only when that insert is new, queues
// one email per recipient in the outbox (dedupe key `<event key>:<recipient>`). Two processes
// noticing the same event at once: the second insert waits for the first transaction and then
// finds the row, so it queues nothing. A crash before commit leaves neither row nor email, and the
// next look finds the event again. Non-essential categories skip recipients who unsubscribed and
// carry a per-recipient signed unsubscribe link (body) and List-Unsubscribe header (one-click).
import type { Clock } from '../clock';
import type { InstallationScope } from '../db/tenant-scope';
import { enqueueEmail, isSingleAddress } from '../email/enqueue-email';
import type { EmailContent } from '../email/templates';
import { unsubscribedAmong } from './email-preferences';
import { isUnsubscribable, type NotificationCategory } from './notification-categories';
import { signUnsubscribeToken } from './unsubscribe-token';

/** What links in notifications need: where Settle is reachable and the keys that sign unsubscribe links. */
export interface NoticeEnv {
  publicUrl: string;
  /** Needed for non-essential categories only (their unsubscribe links are signed with it). */
  encryptionKeys?: readonly Buffer[];
}

export interface Notice {
  /** Deterministic, from Settle's ids: `attempt:{id}:failed`, `dispute:{id}:created` … */
  eventKey: string;
  category: NotificationCategory;
  clientId: string | null;
  subjectType: string;
  subjectId: string;
  recipients: readonly string[];
  /** The email for one recipient; `unsubscribeUrl` is set for non-essential categories only. */
  render(unsubscribeUrl: string | undefined): EmailContent;
}

export interface NoticeResult {
  queued: number;
  /** Recipients left out because they unsubscribed from this category. */
  suppressed: number;
}

/** Where an unsubscribe link of this recipient and category points (page, and one-click endpoint). */
export function unsubscribeUrls(env: NoticeEnv, installationId: string, email: string, category: Parameters<typeof signUnsubscribeToken>[1]['category']) {
  if (!env.encryptionKeys?.length) throw new Error('unsubscribeUrls: no key to sign unsubscribe links with');
  const token = signUnsubscribeToken(env.encryptionKeys, { installationId, email, category });
  return { page: `${env.publicUrl}/portal/unsubscribe/${token}`, oneClick: `${env.publicUrl}/api/email/unsubscribe/${token}` };
}

/**
 * Records the event and queues its emails, once. Call with the scope bound to the transaction that
 * also marks whatever made the event due. Returns null when the event was already notified (nothing
 * is written then). Never sends anything itself.
 */
export async function sendNotice(scope: InstallationScope, notice: Notice, env: NoticeEnv, clock: Clock): Promise<NoticeResult | null> {
  const now = clock.now();
  const inserted = (await scope
    .insert('notifications', {
      event_key: notice.eventKey,
      category: notice.category,
      client_id: notice.clientId,
      subject_type: notice.subjectType,
      subject_id: notice.subjectId,
      created_at: now,
    })
    .onConflict(['installation_id', 'event_key'])
    .ignore()
    .returning('id')) as Array<{ id: string }>;
  const row = inserted[0];
  if (!row) return null;

  const category = notice.category;
  const optional = isUnsubscribable(category);
  const off = optional ? await unsubscribedAmong(scope, category, notice.recipients) : new Set<string>();
  const essential = optional ? null : notice.render(undefined);
  const result: NoticeResult = { queued: 0, suppressed: 0 };
  // An address the PSA typed wrong ("a@x.example; b@x.example") is skipped, not fatal: the others
  // still hear about the event, and the event is not retried forever.
  for (const to of notice.recipients.filter(isSingleAddress)) {
    const address = to.trim().toLowerCase();
    if (off.has(address)) {
      result.suppressed++;
      continue;
    }
    const urls = optional ? unsubscribeUrls(env, scope.installationId, address, category) : null;
    const content = essential ?? notice.render(urls!.page);
    const queued = await enqueueEmail(
      scope,
      { ...content, to, dedupeKey: `${notice.eventKey}:${address}`, clientId: notice.clientId, listUnsubscribeUrl: urls?.oneClick ?? null },
      clock,
    );
    if (queued) result.queued++;
  }
  await scope.from('notifications').where({ id: row.id }).update({ recipients: result.queued, suppressed: result.suppressed });
  return result;
}
