// Passport strategies, registered on a Passport instance per app (no global state, so tests can
// mount several apps). Password strategies verify credentials; session strategies read the cookie;
// the API-key strategy reads `Authorization: Bearer stk_…`.
import type { Request } from 'express';
import { Passport } from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import { Strategy } from 'passport-strategy';
import type { AppContext } from '../http/context';
import { authenticateApiKey } from './api-keys';
import { assertLoginAllowed, recordLoginAttempt } from './login-throttle';
import { verifyPassword } from './passwords';
import type { Principal, SessionPrincipal } from './principal';
import type { ReadCache } from '../http/read-cache';
import { readSession, resolveSession, SESSION_COOKIE, sessionPolicy, type ReadSession, type SessionKind } from './sessions';
import { hashToken } from './tokens';

export interface VerifiedLogin {
  kind: SessionKind;
  userId: string;
  installationId: string;
  clientId?: string;
}

class CallbackStrategy extends Strategy {
  constructor(
    readonly name: string,
    private readonly verify: (req: Request) => Promise<Principal | null>,
  ) {
    super();
  }
  /** What authenticate() would report: the principal, or null. */
  run(req: Request): Promise<Principal | null> {
    return this.verify(req);
  }
  override authenticate(req: Request): void {
    this.verify(req).then(
      (principal) => (principal ? this.success(principal) : this.fail(401)),
      (err: unknown) => this.error(err as Error),
    );
  }
}

function passwordStrategy(ctx: AppContext, kind: SessionKind) {
  const throttle = { clock: ctx.clock, policy: ctx.config.login };
  return new LocalStrategy({ usernameField: 'email', passwordField: 'password', passReqToCallback: true, session: false }, (req, email, password, done) => {
    (async (): Promise<VerifiedLogin | false> => {
      const attempt = { kind, email, ip: req.ip };
      await assertLoginAllowed(ctx.db, attempt, throttle);
      const table = kind === 'staff' ? 'staff_users' : 'portal_users';
      const user = (await ctx.db(`${table} as u`)
        .join('installations as i', 'i.id', 'u.installation_id')
        .whereRaw('lower(u.email) = ?', [email.toLowerCase()])
        .whereNull('u.disabled_at')
        .whereNotNull('u.password_hash') // users who only arrive through signed PSA links have none
        .where('i.status', 'active')
        .first('u.id', 'u.installation_id', 'u.password_hash', kind === 'portal' ? 'u.client_id' : ctx.db.raw('null as client_id'))) as
        | { id: string; installation_id: string; password_hash: string | null; client_id: string | null }
        | undefined;
      const ok = await verifyPassword(user?.password_hash ?? null, password);
      await recordLoginAttempt(ctx.db, { ...attempt, succeeded: ok }, ctx.clock);
      if (!ok || !user) return false;
      return { kind, userId: user.id, installationId: user.installation_id, ...(user.client_id ? { clientId: user.client_id } : {}) };
    })().then(
      (verified) => done(null, verified),
      (err: unknown) => done(err),
    );
  });
}

/** The read cache's scope for sessions (no installation's live events touch it; writes and its TTL do). */
const SESSION_SCOPE = 'sessions';
const sessionCacheKey = (kind: SessionKind, token: string) => `${kind}:${hashToken(token)}`;
/** A session read a moment ago still answers for now: not expired, not due to slide its idle expiry. */
const usable = (read: ReadSession, now: Date) => read.validUntil > now && read.slideFrom > now;

/** The principal of a session the cache holds fresh and still usable, without any I/O; undefined otherwise. */
export function cachedSessionPrincipal(cache: ReadCache, kind: SessionKind, token: string | undefined, now: Date): SessionPrincipal | undefined {
  if (!token || token.length > 200) return undefined;
  const read = cache.peek<ReadSession | null>(SESSION_SCOPE, sessionCacheKey(kind, token));
  return read && usable(read, now) ? { ...read.principal } : undefined;
}

function sessionStrategy(ctx: AppContext, kind: SessionKind, cache: ReadCache | null) {
  const options = { clock: ctx.clock, policy: sessionPolicy(ctx.config) };
  return new CallbackStrategy(`${kind}-session`, async (req) => {
    const token = (req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE[kind].name];
    if (!token || token.length > 200) return null;
    // Reads may use a session looked up a moment ago (see read-cache.ts: a sign-out in this process
    // drops it at once), as long as it has neither expired nor is due to slide; writes always ask
    // the database.
    if (!cache || (req.method !== 'GET' && req.method !== 'HEAD')) return resolveSession(ctx.db, kind, token, options);
    const cached = await cache.get(SESSION_SCOPE, sessionCacheKey(kind, token), () => readSession(ctx.db, kind, token, options));
    if (cached && !usable(cached, ctx.clock.now())) return resolveSession(ctx.db, kind, token, options);
    return cached ? { ...cached.principal } : null;
  });
}

function apiKeyStrategy(ctx: AppContext) {
  return new CallbackStrategy('psa-api-key', async (req) => {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) return null;
    return authenticateApiKey(ctx.db, match[1], ctx.clock);
  });
}

/** `cache`: where GET requests may find their session looked up a moment ago (none: always the database). */
export function createPassport(ctx: AppContext, cache: ReadCache | null = null): InstanceType<typeof Passport> {
  const passport = new Passport();
  passport.use('staff-password', passwordStrategy(ctx, 'staff'));
  passport.use('portal-password', passwordStrategy(ctx, 'portal'));
  passport.use('staff-session', sessionStrategy(ctx, 'staff', cache));
  passport.use('portal-session', sessionStrategy(ctx, 'portal', cache));
  passport.use('psa-api-key', apiKeyStrategy(ctx));
  return passport;
}

export type SettlePassport = ReturnType<typeof createPassport>;

/** Runs one strategy and resolves with what it produced (false when it failed without error). */
export function runStrategy<T>(passport: SettlePassport, name: string, req: Request): Promise<T | false> {
  // Settle's own strategies (sessions, API keys) answer directly: passport's per-request machinery
  // (a middleware, a strategy instance and req.login & co. made for every request) adds nothing for
  // strategies that neither redirect nor use passport sessions.
  const own = (passport as unknown as { _strategy(name: string): unknown })._strategy(name);
  if (own instanceof CallbackStrategy) return own.run(req).then((principal) => (principal ?? false) as T | false);
  return new Promise((resolve, reject) => {
    const handler = passport.authenticate(name, { session: false }, (err: unknown, user: T | false) =>
      err ? reject(err as Error) : resolve(user ?? false),
    ) as (req: Request, res: unknown, next: (err?: unknown) => void) => void;
    handler(req, {}, (err?: unknown) => (err ? reject(err as Error) : resolve(false)));
  });
}
