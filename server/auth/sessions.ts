// Database-backed sessions. The cookie holds a random token; the table keys on its SHA-256. A session
// ends at the first of: idle timeout (sliding), absolute lifetime, sign-out, user disabled.
import type { Config } from '../config/config';
import type { Clock } from '../clock';
import type { DbOrTrx } from '../db/database';
import type { PortalPrincipal, SessionPrincipal, StaffPrincipal } from './principal';
import { hashToken, newToken } from './tokens';

export type SessionKind = 'staff' | 'portal';

export const SESSION_COOKIE: Record<SessionKind, { name: string; path: string }> = {
  staff: { name: 'settle_app_sid', path: '/' },
  portal: { name: 'settle_portal_sid', path: '/' },
};

export interface SessionPolicy {
  idleMinutes: number;
  maxHours: number;
}

export function sessionPolicy(config: Pick<Config, 'session'>): SessionPolicy {
  return { idleMinutes: config.session.idleMinutes, maxHours: config.session.maxHours };
}

export interface CreateSessionInput {
  kind: SessionKind;
  installationId: string;
  userId: string;
  clientId?: string;
  ip?: string | undefined;
  userAgent?: string | undefined;
}

/** Creates a session row and returns the raw token (cookie value) exactly once. Not idempotent. */
export async function createSession(
  db: DbOrTrx,
  input: CreateSessionInput,
  options: { clock: Clock; policy: SessionPolicy },
): Promise<{ token: string; csrfToken: string; absoluteExpiresAt: Date }> {
  const token = newToken();
  const csrfToken = newToken();
  const now = options.clock.now();
  const absoluteExpiresAt = new Date(now.getTime() + options.policy.maxHours * 3_600_000);
  await db('sessions').insert({
    id: hashToken(token),
    kind: input.kind,
    installation_id: input.installationId,
    staff_user_id: input.kind === 'staff' ? input.userId : null,
    portal_user_id: input.kind === 'portal' ? input.userId : null,
    client_id: input.kind === 'portal' ? input.clientId : null,
    csrf_token: csrfToken,
    ip: input.ip ?? null,
    user_agent: input.userAgent?.slice(0, 500) ?? null,
    created_at: now,
    last_seen_at: now,
    idle_expires_at: new Date(now.getTime() + options.policy.idleMinutes * 60_000),
    absolute_expires_at: absoluteExpiresAt,
  });
  return { token, csrfToken, absoluteExpiresAt };
}

interface SessionJoinRow {
  id: string;
  kind: SessionKind;
  installation_id: string;
  csrf_token: string;
  client_id: string | null;
  last_seen_at: Date;
  idle_expires_at: Date;
  absolute_expires_at: Date;
  user_id: string;
  email: string;
  name: string;
  role: StaffPrincipal['role'] | null;
  disabled_at: Date | null;
  installation_status: string;
}

/**
 * Resolves a cookie token to its principal, or null when unknown, expired or disabled. Slides the
 * idle expiry at most once a minute so reads do not turn into a write per request.
 */
export async function resolveSession(
  db: DbOrTrx,
  kind: SessionKind,
  token: string,
  options: { clock: Clock; policy: SessionPolicy },
): Promise<SessionPrincipal | null> {
  return (await readSession(db, kind, token, options))?.principal ?? null;
}

export interface ReadSession {
  principal: SessionPrincipal;
  /** The session ends then at the latest (idle or absolute expiry, as stored now). */
  validUntil: Date;
  /** From then on a read must go to the database again, to slide the idle expiry. */
  slideFrom: Date;
}

/** resolveSession, with how long its answer holds (for a short-lived cache of GET requests' sessions). */
export async function readSession(
  db: DbOrTrx,
  kind: SessionKind,
  token: string,
  options: { clock: Clock; policy: SessionPolicy },
): Promise<ReadSession | null> {
  const id = hashToken(token);
  const userTable = kind === 'staff' ? 'staff_users' : 'portal_users';
  const userColumn = kind === 'staff' ? 'staff_user_id' : 'portal_user_id';
  const row = (await db('sessions as s')
    .join(`${userTable} as u`, 'u.id', `s.${userColumn}`)
    .join('installations as i', 'i.id', 's.installation_id')
    .where({ 's.id': id, 's.kind': kind })
    .first(
      's.id',
      's.kind',
      's.installation_id',
      's.csrf_token',
      's.client_id',
      's.last_seen_at',
      's.idle_expires_at',
      's.absolute_expires_at',
      'u.id as user_id',
      'u.email',
      'u.name',
      kind === 'staff' ? 'u.role' : db.raw('null as role'),
      'u.disabled_at',
      'i.status as installation_status',
    )) as SessionJoinRow | undefined;
  if (!row) return null;
  const now = options.clock.now();
  if (row.idle_expires_at <= now || row.absolute_expires_at <= now || row.disabled_at || row.installation_status !== 'active') {
    await db('sessions').where({ id }).delete();
    return null;
  }
  let lastSeen = row.last_seen_at;
  let idleExpiresAt = row.idle_expires_at;
  if (now.getTime() - row.last_seen_at.getTime() >= 60_000) {
    lastSeen = now;
    idleExpiresAt = new Date(now.getTime() + options.policy.idleMinutes * 60_000);
    await db('sessions').where({ id }).update({ last_seen_at: lastSeen, idle_expires_at: idleExpiresAt });
  }
  const validUntil = new Date(Math.min(idleExpiresAt.getTime(), row.absolute_expires_at.getTime()));
  return { principal: toPrincipal(kind, id, row), validUntil, slideFrom: new Date(lastSeen.getTime() + 60_000) };
}

function toPrincipal(kind: SessionKind, id: string, row: SessionJoinRow): SessionPrincipal {
  if (kind === 'staff') {
    return {
      kind: 'staff',
      sessionId: id,
      csrfToken: row.csrf_token,
      installationId: row.installation_id,
      userId: row.user_id,
      email: row.email,
      name: row.name,
      role: row.role ?? 'technician',
    } satisfies StaffPrincipal;
  }
  return {
    kind: 'portal',
    sessionId: id,
    csrfToken: row.csrf_token,
    installationId: row.installation_id,
    clientId: row.client_id as string,
    userId: row.user_id,
    email: row.email,
    name: row.name,
  } satisfies PortalPrincipal;
}

/** Idempotent: ending an already-ended session is not an error. */
export async function destroySession(db: DbOrTrx, sessionId: string): Promise<void> {
  await db('sessions').where({ id: sessionId }).delete();
}

/** Deletes expired sessions and old login attempts; bounded per call. Idempotent. */
export async function purgeExpiredSessions(db: DbOrTrx, clock: Clock, loginWindowMinutes: number): Promise<{ sessions: number; loginAttempts: number }> {
  const now = clock.now();
  const expired = db('sessions')
    .where('absolute_expires_at', '<=', now)
    .orWhere('idle_expires_at', '<=', now)
    .select('id')
    .limit(5000);
  const sessions = await db('sessions').whereIn('id', expired).delete();
  const cutoff = new Date(now.getTime() - Math.max(loginWindowMinutes, 60 * 24) * 60_000);
  const loginAttempts = await db('login_attempts')
    .whereIn('id', db('login_attempts').where('at', '<', cutoff).select('id').limit(20000))
    .delete();
  return { sessions, loginAttempts };
}
