// The public side of portal access: opening and accepting an invite, asking for a password reset
// and using the reset link. Links carry random tokens looked up by their SHA-256; each works once.
// Signing in afterwards is the caller's job (the routes start a session exactly as sign-in does).
import { recordAudit } from '../audit/record-audit';
import { hashPassword } from '../auth/passwords';
import { hashToken, newToken } from '../auth/tokens';
import type { Clock } from '../clock';
import type { DbOrTrx } from '../db/database';
import { InstallationScope } from '../db/tenant-scope';
import { enqueueEmail } from '../email/enqueue-email';
import { passwordResetEmail } from '../email/templates';
import { AppError } from '../http/app-error';
import type { Knex } from 'knex';

export const RESET_MINUTES = 60;

/** What newToken() makes (43 base64url characters); anything else cannot be a link of ours. */
const TOKEN = /^[A-Za-z0-9_-]{32,64}$/;

export interface InviteView {
  email: string;
  name: string;
  clientName: string;
  mspName: string;
  expiresAt: string;
}

/** The portal user a link belongs to, with what the pages and the session need. */
export interface LinkedUser {
  id: string;
  installationId: string;
  clientId: string;
  email: string;
  name: string;
}

interface TokenRow {
  id: string;
  installation_id: string;
  client_id: string;
  email: string;
  name: string;
  expires_at: Date | null;
  client_name: string;
  msp_name: string;
}

function byToken(db: DbOrTrx, column: 'invite_token_hash' | 'reset_token_hash', token: string) {
  const expires = column === 'invite_token_hash' ? 'u.invite_expires_at' : 'u.reset_expires_at';
  return db('portal_users as u')
    .join('clients as c', (j) => j.on('c.id', 'u.client_id').andOn('c.installation_id', 'u.installation_id'))
    .join('installations as i', 'i.id', 'u.installation_id')
    .where(`u.${column}`, hashToken(token))
    .whereNull('u.disabled_at')
    .where('i.status', 'active')
    .first('u.id', 'u.installation_id', 'u.client_id', 'u.email', 'u.name', `${expires} as expires_at`, 'c.name as client_name', 'i.name as msp_name') as Promise<TokenRow | undefined>;
}

async function liveInvite(db: DbOrTrx, token: string, clock: Clock): Promise<TokenRow> {
  if (!TOKEN.test(token)) throw new AppError('INVITE_INVALID');
  const row = await byToken(db, 'invite_token_hash', token);
  if (!row) throw new AppError('INVITE_INVALID');
  if (!row.expires_at || row.expires_at <= clock.now()) throw new AppError('INVITE_EXPIRED');
  return row;
}

/** Read-only: who the invite is for. INVITE_INVALID (unknown, used, replaced, revoked) or INVITE_EXPIRED. */
export async function getInvite(db: DbOrTrx, token: string, clock: Clock): Promise<InviteView> {
  const row = await liveInvite(db, token, clock);
  return { email: row.email, name: row.name, clientName: row.client_name, mspName: row.msp_name, expiresAt: row.expires_at!.toISOString() };
}

/**
 * Sets the password and uses up the invite (single use: a second accept gets INVITE_INVALID, even a
 * concurrent one). Optionally corrects the name. Audited. The caller then starts a session.
 */
export async function acceptInvite(
  db: Knex,
  token: string,
  input: { password: string; name?: string | undefined },
  meta: { ip?: string | undefined; requestId?: string | undefined; clock: Clock },
): Promise<LinkedUser> {
  await liveInvite(db, token, meta.clock); // fail fast, before the deliberately slow hash
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (trx) => {
    const row = await liveInvite(trx, token, meta.clock);
    const now = meta.clock.now();
    const updated = await trx('portal_users')
      .where({ id: row.id, invite_token_hash: hashToken(token) })
      .whereNull('disabled_at')
      .update({
        password_hash: passwordHash,
        invite_token_hash: null,
        invite_expires_at: null,
        reset_token_hash: null,
        reset_expires_at: null,
        ...(input.name ? { name: input.name } : {}),
        updated_at: now,
      });
    if (updated !== 1) throw new AppError('INVITE_INVALID');
    const name = input.name ?? row.name;
    await recordAudit(
      new InstallationScope(trx, row.installation_id),
      {
        actor: { type: 'portal', id: row.id, label: row.email },
        action: 'portal_user.invite_accepted',
        subjectType: 'portal_user',
        subjectId: row.id,
        clientId: row.client_id,
        details: input.name && input.name !== row.name ? { nameChangedFrom: row.name, name } : {},
        ip: meta.ip,
        requestId: meta.requestId,
      },
      meta.clock,
    );
    return { id: row.id, installationId: row.installation_id, clientId: row.client_id, email: row.email, name };
  });
}

/**
 * "Forgot password": when the email belongs to someone with a password and live access, replaces any
 * earlier reset link with a new one (1 hour, single use) and queues the email. Does the same work
 * (token, hash, email rendering) whether or not the email exists, and returns nothing either way —
 * the answer never reveals who has an account. The caller throttles first.
 */
export async function requestPasswordReset(
  db: Knex,
  email: string,
  meta: { publicUrl: string; ip?: string | undefined; requestId?: string | undefined; clock: Clock },
): Promise<void> {
  const token = newToken();
  const tokenHash = hashToken(token);
  const now = meta.clock.now();
  await db.transaction(async (trx) => {
    const user = (await trx('portal_users as u')
      .join('installations as i', 'i.id', 'u.installation_id')
      .whereRaw('lower(u.email) = ?', [email.trim().toLowerCase()])
      .whereNull('u.disabled_at')
      .whereNotNull('u.password_hash')
      .where('i.status', 'active')
      .forUpdate('u')
      .first('u.id', 'u.installation_id', 'u.client_id', 'u.email', 'u.name', 'i.name as msp_name')) as
      | { id: string; installation_id: string; client_id: string; email: string; name: string; msp_name: string }
      | undefined;
    const message = passwordResetEmail({
      mspName: user?.msp_name ?? 'Settle',
      name: user?.name ?? 'there',
      resetUrl: `${meta.publicUrl}/portal/reset-password/${token}`,
      expiresInMinutes: RESET_MINUTES,
    });
    if (!user) return;
    await trx('portal_users')
      .where({ id: user.id })
      .update({ reset_token_hash: tokenHash, reset_expires_at: new Date(now.getTime() + RESET_MINUTES * 60_000), updated_at: now });
    const scope = new InstallationScope(trx, user.installation_id);
    await enqueueEmail(scope, { ...message, to: user.email, dedupeKey: `portal-reset:${user.id}:${tokenHash.slice(0, 24)}`, clientId: user.client_id }, meta.clock);
    await recordAudit(
      scope,
      {
        actor: { type: 'portal', id: user.id, label: user.email },
        action: 'portal_user.password_reset_requested',
        subjectType: 'portal_user',
        subjectId: user.id,
        clientId: user.client_id,
        ip: meta.ip,
        requestId: meta.requestId,
      },
      meta.clock,
    );
  });
}

/**
 * Sets a new password from a reset link: single use, 1 hour, dead once the person is revoked or asks
 * for another link. Ends every existing session of the person (whoever knew the old password is
 * out). PASSWORD_RESET_INVALID otherwise. Audited. The caller then starts a session.
 */
export async function completePasswordReset(
  db: Knex,
  token: string,
  password: string,
  meta: { ip?: string | undefined; requestId?: string | undefined; clock: Clock },
): Promise<LinkedUser> {
  const live = async (q: DbOrTrx) => {
    if (!TOKEN.test(token)) throw new AppError('PASSWORD_RESET_INVALID');
    const row = await byToken(q, 'reset_token_hash', token);
    if (!row || !row.expires_at || row.expires_at <= meta.clock.now()) throw new AppError('PASSWORD_RESET_INVALID');
    return row;
  };
  await live(db);
  const passwordHash = await hashPassword(password);
  return db.transaction(async (trx) => {
    const row = await live(trx);
    const now = meta.clock.now();
    const updated = await trx('portal_users')
      .where({ id: row.id, reset_token_hash: hashToken(token) })
      .whereNull('disabled_at')
      .update({ password_hash: passwordHash, reset_token_hash: null, reset_expires_at: null, invite_token_hash: null, invite_expires_at: null, updated_at: now });
    if (updated !== 1) throw new AppError('PASSWORD_RESET_INVALID');
    const sessions = ((await trx('sessions').where({ portal_user_id: row.id, installation_id: row.installation_id }).delete().returning('id')) as unknown[]).length;
    await recordAudit(
      new InstallationScope(trx, row.installation_id),
      {
        actor: { type: 'portal', id: row.id, label: row.email },
        action: 'portal_user.password_reset',
        subjectType: 'portal_user',
        subjectId: row.id,
        clientId: row.client_id,
        details: { sessionsEnded: sessions },
        ip: meta.ip,
        requestId: meta.requestId,
      },
      meta.clock,
    );
    return { id: row.id, installationId: row.installation_id, clientId: row.client_id, email: row.email, name: row.name };
  });
}
