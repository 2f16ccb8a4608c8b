// Stored unsubscribe preferences (per installation, lower-cased email and category) and the two
// things an unsubscribe link can do: say where the recipient stands, and change it. Only categories
// in UNSUBSCRIBABLE exist here; essential mail never looks at this table.
import { recordAudit } from '../audit/record-audit';
import type { Clock } from '../clock';
import type { DbOrTrx } from '../db/database';
import { InstallationScope } from '../db/tenant-scope';
import { AppError } from '../http/app-error';
import { CATEGORY_LABELS, type UnsubscribableCategory } from './notification-categories';
import { verifyUnsubscribeToken, type UnsubscribeSubject } from './unsubscribe-token';

export interface EmailPreferenceView {
  mspName: string;
  /** The address, partly hidden ("d•••@contoso.example"): the page confirms whose mail it is without spelling it out to whoever holds the link. */
  email: string;
  category: UnsubscribableCategory;
  /** "upcoming automatic payments" */
  categoryLabel: string;
  subscribed: boolean;
}

/** The addresses (lower-cased) among `emails` that unsubscribed from `category` in this installation. */
export async function unsubscribedAmong(scope: InstallationScope, category: UnsubscribableCategory, emails: readonly string[]): Promise<Set<string>> {
  if (emails.length === 0) return new Set();
  const rows = (await scope
    .from('email_preferences')
    .where({ category, unsubscribed: true })
    .whereIn('email', emails.map((e) => e.trim().toLowerCase()))
    .pluck('email')) as string[];
  return new Set(rows);
}

function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  return `${email.slice(0, 1)}•••${email.slice(at)}`;
}

async function subjectOf(db: DbOrTrx, keys: readonly Buffer[], token: string): Promise<UnsubscribeSubject & { mspName: string }> {
  const subject = verifyUnsubscribeToken(keys, token);
  if (!subject) throw new AppError('UNSUBSCRIBE_LINK_INVALID');
  const inst = (await db('installations').where({ id: subject.installationId, status: 'active' }).first('name')) as { name: string } | undefined;
  if (!inst) throw new AppError('UNSUBSCRIBE_LINK_INVALID');
  return { ...subject, mspName: inst.name };
}

async function view(db: DbOrTrx, s: UnsubscribeSubject & { mspName: string }): Promise<EmailPreferenceView> {
  const unsubscribed = await unsubscribedAmong(new InstallationScope(db, s.installationId), s.category, [s.email]);
  return { mspName: s.mspName, email: maskEmail(s.email), category: s.category, categoryLabel: CATEGORY_LABELS[s.category], subscribed: !unsubscribed.has(s.email) };
}

/** Read-only: where the link's recipient stands. UNSUBSCRIBE_LINK_INVALID for a tampered or unknown link. */
export async function getEmailPreference(db: DbOrTrx, keys: readonly Buffer[], token: string): Promise<EmailPreferenceView> {
  return view(db, await subjectOf(db, keys, token));
}

/**
 * Unsubscribes (or resubscribes) the link's recipient from its category. Idempotent: repeating it
 * changes nothing and records nothing. Audited (actor: the link, since nobody is signed in).
 */
export async function setEmailPreference(
  db: DbOrTrx,
  keys: readonly Buffer[],
  token: string,
  subscribed: boolean,
  meta: { clock: Clock; ip?: string | undefined; requestId?: string | undefined; oneClick?: boolean },
): Promise<EmailPreferenceView> {
  const subject = await subjectOf(db, keys, token);
  await db.transaction(async (trx) => {
    const scope = new InstallationScope(trx, subject.installationId);
    const current = (await scope.from('email_preferences').where({ email: subject.email, category: subject.category }).forUpdate().first('unsubscribed')) as { unsubscribed: boolean } | undefined;
    if ((current?.unsubscribed ?? false) === !subscribed) return;
    const now = meta.clock.now();
    await scope
      .insert('email_preferences', { email: subject.email, category: subject.category, unsubscribed: !subscribed, updated_at: now })
      .onConflict(['installation_id', 'email', 'category'])
      .merge(['unsubscribed', 'updated_at']);
    await recordAudit(
      scope,
      {
        actor: { type: 'system', id: null, label: 'unsubscribe link' },
        action: subscribed ? 'email.resubscribed' : 'email.unsubscribed',
        subjectType: 'email',
        subjectId: subject.email,
        details: { category: subject.category, ...(meta.oneClick ? { oneClick: true } : {}) },
        ip: meta.ip,
        requestId: meta.requestId,
      },
      meta.clock,
    );
  });
  return view(db, subject);
}
