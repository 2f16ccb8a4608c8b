// Technicians manage who at a client can sign in to the billing portal: invite (a single-use link,
// 7 days), resend (a new link; the old one stops working), revoke (access and sessions end at once).
// Invite links carry a random token; only its SHA-256 is stored. Every change is audited and its
// email queued in the same transaction.
import { actorOf, recordAudit } from '../audit/record-audit';
import type { Principal } from '../auth/principal';
import { hashToken, newToken } from '../auth/tokens';
import type { Clock } from '../clock';
import type { InstallationScope } from '../db/tenant-scope';
import { enqueueEmail } from '../email/enqueue-email';
import { portalInviteEmail } from '../email/templates';
import { AppError } from '../http/app-error';

export const INVITE_DAYS = 7;

export type PortalUserStatus = 'invited' | 'invite_expired' | 'active' | 'revoked';

export interface PortalUserView {
  id: string;
  email: string;
  name: string;
  contactId: string | null;
  status: PortalUserStatus;
  /** When the latest invite email was queued. */
  invitedAt: string | null;
  invitedBy: string | null;
  inviteExpiresAt: string | null;
  lastLoginAt: string | null;
  revokedAt: string | null;
  createdAt: string;
}

interface PortalUserRow {
  id: string;
  client_id: string;
  email: string;
  name: string;
  contact_id: string | null;
  password_hash: string | null;
  invite_token_hash: string | null;
  invite_expires_at: Date | null;
  invite_sent_at: Date | null;
  last_login_at: Date | null;
  disabled_at: Date | null;
  created_at: Date;
  invited_by_name: string | null;
}

export interface RequestMeta {
  principal: Principal;
  ip?: string | undefined;
  requestId?: string | undefined;
}

/** What an invite or reset link needs besides the token. */
export interface LinkContext {
  publicUrl: string;
  clock: Clock;
}

export function statusOf(row: Pick<PortalUserRow, 'disabled_at' | 'password_hash' | 'invite_token_hash' | 'invite_expires_at' | 'last_login_at'>, now: Date): PortalUserStatus {
  if (row.disabled_at) return 'revoked';
  if (row.password_hash) return 'active';
  if (row.invite_token_hash && row.invite_expires_at && row.invite_expires_at > now) return 'invited';
  // No password and no live invite: someone who only signs in through signed PSA links is active.
  return row.last_login_at && !row.invite_token_hash ? 'active' : 'invite_expired';
}

const ORDER: Record<PortalUserStatus, number> = { active: 0, invited: 1, invite_expired: 2, revoked: 3 };

function toView(row: PortalUserRow, now: Date): PortalUserView {
  const status = statusOf(row, now);
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    contactId: row.contact_id,
    status,
    invitedAt: row.invite_sent_at?.toISOString() ?? null,
    invitedBy: row.invited_by_name,
    inviteExpiresAt: status === 'invited' || status === 'invite_expired' ? (row.invite_expires_at?.toISOString() ?? null) : null,
    lastLoginAt: row.last_login_at?.toISOString() ?? null,
    revokedAt: row.disabled_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
  };
}

function selectUsers(scope: InstallationScope) {
  return scope
    .from('portal_users')
    .leftJoin('staff_users as inviter', (j) => j.on('inviter.id', 'portal_users.invited_by').andOn('inviter.installation_id', 'portal_users.installation_id'))
    .select(
      'portal_users.id',
      'portal_users.client_id',
      'portal_users.email',
      'portal_users.name',
      'portal_users.contact_id',
      'portal_users.password_hash',
      'portal_users.invite_token_hash',
      'portal_users.invite_expires_at',
      'portal_users.invite_sent_at',
      'portal_users.last_login_at',
      'portal_users.disabled_at',
      'portal_users.created_at',
      'inviter.name as invited_by_name',
    );
}

async function loadClient(scope: InstallationScope, clientId: string): Promise<{ id: string; name: string }> {
  const client = (await scope.from('clients').where({ id: clientId }).first('id', 'name')) as { id: string; name: string } | undefined;
  if (!client) throw new AppError('CLIENT_NOT_FOUND');
  return client;
}

async function loadUser(scope: InstallationScope, clientId: string, id: string, options: { lock?: boolean } = {}): Promise<PortalUserRow> {
  if (options.lock) await scope.from('portal_users').where({ id, client_id: clientId }).forUpdate().first('id');
  const row = (await selectUsers(scope).where({ 'portal_users.id': id, 'portal_users.client_id': clientId }).first()) as PortalUserRow | undefined;
  if (!row) throw new AppError('PORTAL_USER_NOT_FOUND');
  return row;
}

/** Read-only. Active and invited people first, revoked last; newest first within each. */
export async function listPortalUsers(scope: InstallationScope, clientId: string, clock: Clock): Promise<PortalUserView[]> {
  await loadClient(scope, clientId);
  const rows = (await selectUsers(scope).where('portal_users.client_id', clientId).orderBy('portal_users.created_at', 'desc')) as PortalUserRow[];
  const now = clock.now();
  return rows.map((r) => toView(r, now)).sort((a, b) => ORDER[a.status] - ORDER[b.status]);
}

export interface InvitePortalUserInput {
  email?: string | undefined;
  name?: string | undefined;
  contactId?: string | undefined;
}

/** Issues a fresh invite token on a row (the previous one stops working) and queues the email. */
async function issueInvite(
  trx: InstallationScope,
  user: { id: string; email: string; name: string },
  client: { id: string; name: string },
  meta: RequestMeta,
  links: LinkContext,
  extra: Record<string, unknown>,
): Promise<void> {
  const token = newToken();
  const tokenHash = hashToken(token);
  const now = links.clock.now();
  await trx
    .from('portal_users')
    .where({ id: user.id })
    .update({
      invite_token_hash: tokenHash,
      invite_expires_at: new Date(now.getTime() + INVITE_DAYS * 86_400_000),
      invite_sent_at: now,
      invited_by: meta.principal.kind === 'staff' ? meta.principal.userId : null,
      updated_at: now,
    });
  const inst = (await trx.db('installations').where({ id: trx.installationId }).first('name')) as { name: string };
  const email = portalInviteEmail({
    mspName: inst.name,
    clientName: client.name,
    inviteeName: user.name,
    inviteUrl: `${links.publicUrl}/portal/invite/${token}`,
    expiresInDays: INVITE_DAYS,
  });
  // One email per token: the dedupe key names the token by (a prefix of) its hash, never the token.
  await enqueueEmail(trx, { ...email, to: user.email, dedupeKey: `portal-invite:${user.id}:${tokenHash.slice(0, 24)}`, clientId: client.id }, links.clock);
  await recordAudit(
    trx,
    {
      actor: actorOf(meta.principal),
      action: extra.resent ? 'portal_user.invite_resent' : 'portal_user.invited',
      subjectType: 'portal_user',
      subjectId: user.id,
      clientId: client.id,
      details: { email: user.email, name: user.name, ...extra },
      ip: meta.ip,
      requestId: meta.requestId,
    },
    links.clock,
  );
}

const isUniqueViolation = (err: unknown) => (err as { code?: string })?.code === '23505';

/**
 * Creates a portal user for the client and emails an invite link. Takes the contact's email and name
 * when only `contactId` is given, and links a contact with the same email automatically. A revoked
 * person in this installation is invited again (same row, password cleared). PORTAL_USER_EXISTS when
 * the email already has access (or a pending invite) anywhere. Not idempotent: each call sends.
 */
export async function invitePortalUser(
  scope: InstallationScope,
  clientId: string,
  input: InvitePortalUserInput,
  meta: RequestMeta,
  links: LinkContext,
): Promise<PortalUserView> {
  try {
    return await scope.transaction(async (trx) => {
      const client = await loadClient(trx, clientId);
      const contacts = trx.forClient(clientId);
      let contact: { id: string; name: string; email: string } | undefined;
      if (input.contactId) {
        contact = (await contacts.from('client_contacts').where({ id: input.contactId }).first('id', 'name', 'email')) as typeof contact;
        if (!contact) throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'contactId', message: 'Choose one of this client’s contacts.' }] });
      }
      const email = (input.email ?? contact?.email ?? '').trim();
      const name = (input.name ?? contact?.name ?? '').trim();
      const missing = [
        ...(email ? [] : [{ path: 'email', message: 'Enter the email address to send the invite to.' }]),
        ...(name ? [] : [{ path: 'name', message: 'Enter the person’s name.' }]),
      ];
      if (missing.length) throw new AppError('VALIDATION_FAILED', { fields: missing });
      contact ??= (await contacts.from('client_contacts').whereRaw('lower(email) = ?', [email.toLowerCase()]).first('id', 'name', 'email')) as typeof contact;

      // Emails are unique across all installations (sign-in looks them up before it knows the MSP).
      const existing = (await trx.db('portal_users').whereRaw('lower(email) = ?', [email.toLowerCase()]).forUpdate().first('id', 'installation_id', 'client_id', 'disabled_at', 'password_hash')) as
        | { id: string; installation_id: string; client_id: string; disabled_at: Date | null; password_hash: string | null }
        | undefined;
      const now = links.clock.now();
      let id: string;
      let reinvited = false;
      if (existing) {
        if (existing.installation_id !== trx.installationId || !existing.disabled_at) {
          const sameClient = existing.installation_id === trx.installationId && existing.client_id === clientId;
          throw new AppError('PORTAL_USER_EXISTS', {
            message:
              sameClient && !existing.password_hash
                ? 'This person is already invited. Use Resend to send them a new link.'
                : 'Someone with this email already has portal access.',
            fields: [{ path: 'email', message: sameClient && !existing.password_hash ? 'Already invited: use Resend.' : 'This email already has portal access.' }],
          });
        }
        id = existing.id;
        reinvited = true;
        // A revoked person comes back as newly invited: no old password, no old links.
        await trx
          .from('portal_users')
          .where({ id })
          .update({ client_id: clientId, email, name, contact_id: contact?.id ?? null, password_hash: null, reset_token_hash: null, reset_expires_at: null, disabled_at: null, updated_at: now });
      } else {
        const [row] = (await trx
          .insert('portal_users', { client_id: clientId, email, name, contact_id: contact?.id ?? null, created_at: now, updated_at: now })
          .returning('id')) as Array<{ id: string }>;
        id = row!.id;
      }
      await issueInvite(trx, { id, email, name }, client, meta, links, { contactId: contact?.id ?? null, reinvited });
      return toView(await loadUser(trx, clientId, id), now);
    });
  } catch (err) {
    // Two invites for the same email at the same moment: the unique index decides, the loser gets this.
    if (isUniqueViolation(err)) throw new AppError('PORTAL_USER_EXISTS', { fields: [{ path: 'email', message: 'This email already has portal access.' }] });
    throw err;
  }
}

/**
 * A new invite link for someone who has not set a password yet; the previous link stops working.
 * PORTAL_USER_EXISTS for people who already signed up (they use "Forgot password?"),
 * PORTAL_USER_NOT_FOUND for revoked ones (invite them again). Not idempotent: each call sends.
 */
export async function resendInvite(scope: InstallationScope, clientId: string, id: string, meta: RequestMeta, links: LinkContext): Promise<PortalUserView> {
  return scope.transaction(async (trx) => {
    const client = await loadClient(trx, clientId);
    const row = await loadUser(trx, clientId, id, { lock: true });
    const status = statusOf(row, links.clock.now());
    if (status === 'revoked') throw new AppError('PORTAL_USER_NOT_FOUND', { message: 'This person’s access was revoked. Invite them again to restore it.' });
    if (status === 'active') throw new AppError('PORTAL_USER_EXISTS', { message: `${row.name} has already set a password. They can use “Forgot password?” on the sign-in page.` });
    await issueInvite(trx, row, client, meta, links, { resent: true, previousStatus: status });
    return toView(await loadUser(trx, clientId, id), links.clock.now());
  });
}

/**
 * Ends someone's portal access: disabled, every link (invite, reset) dead, every session ended.
 * Idempotent: revoking a revoked person changes nothing and keeps the first revocation time.
 */
export async function revokePortalUser(scope: InstallationScope, clientId: string, id: string, meta: RequestMeta, clock: Clock): Promise<PortalUserView> {
  return scope.transaction(async (trx) => {
    await loadClient(trx, clientId);
    const row = await loadUser(trx, clientId, id, { lock: true });
    if (row.disabled_at) return toView(row, clock.now());
    const now = clock.now();
    await trx
      .from('portal_users')
      .where({ id })
      .update({ disabled_at: now, invite_token_hash: null, invite_expires_at: null, reset_token_hash: null, reset_expires_at: null, updated_at: now });
    const sessions = ((await trx.db('sessions').where({ portal_user_id: id, installation_id: trx.installationId }).delete().returning('id')) as unknown[]).length;
    await recordAudit(
      trx,
      {
        actor: actorOf(meta.principal),
        action: 'portal_user.revoked',
        subjectType: 'portal_user',
        subjectId: id,
        clientId,
        details: { email: row.email, name: row.name, previousStatus: statusOf(row, now), sessionsEnded: sessions },
        ip: meta.ip,
        requestId: meta.requestId,
      },
      clock,
    );
    return toView(await loadUser(trx, clientId, id), now);
  });
}
