// The hottest reads answered ahead of Express: a GET of the portal's invoice list or the technician's
// clients list whose session and answer the read cache already holds fresh is written straight out,
// with the same headers and body Express would send (request id, security headers, no-store, ETag)
// and the same log line. Anything else — no cookie, a session or page not cached fresh, a query the
// route would refuse, a conditional request, shutdown under way — goes on to Express unchanged, and
// Express's route fills the cache. It runs in front of Express (the HTTP server's listener): at a few
// thousand reads a second, Express's dispatch, router and middleware cost more than the answer.
import { parse as parseQuery } from 'node:querystring';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { cachedSessionPrincipal } from '../auth/passport-setup';
import type { SessionPrincipal } from '../auth/principal';
import { SESSION_COOKIE, type SessionKind } from '../auth/sessions';
import type { Clock } from '../clock';
import type { CachedJson, ReadCache } from './read-cache';
import type { RequestLog } from './request-log';

export interface HotRead {
  /** The exact path (no trailing slash), e.g. /api/portal/invoices. */
  path: string;
  kind: SessionKind;
  /** The cache scope and key the route itself uses for this principal and query; null: let the route answer. */
  key(principal: SessionPrincipal, query: Record<string, unknown>, now: Date): { installationId: string; key: string } | null;
}

export interface HotReadsOptions {
  cache: ReadCache;
  clock: Clock;
  log: RequestLog;
  /** Headers every response carries (security headers); null turns the fast path off. */
  headers: ReadonlyArray<readonly [string, string]> | null;
  isDraining: () => boolean;
}

/** The first value of a cookie, as cookie-parser would read it (no quoted or signed values: those go to Express). */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    const raw = part.slice(eq + 1).trim();
    if (raw.startsWith('"') || raw.startsWith('s:')) return undefined;
    try {
      return raw.includes('%') ? decodeURIComponent(raw) : raw;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export type HotReadsHandler = ((req: IncomingMessage, res: ServerResponse, next: () => void) => void) & { answered: number };

export function hotReads(routes: HotRead[], options: HotReadsOptions): HotReadsHandler {
  const byPath = new Map(routes.map((r) => [r.path, r]));
  const handler = ((req, res, next) => {
    if (req.method !== 'GET' || !options.headers || options.isDraining()) return next();
    const url = req.url ?? '';
    const q = url.indexOf('?');
    const route = byPath.get(q < 0 ? url : url.slice(0, q));
    if (!route || req.headers['if-none-match'] !== undefined) return next();
    const now = options.clock.now();
    const principal = cachedSessionPrincipal(options.cache, route.kind, cookieValue(req.headers.cookie, SESSION_COOKIE[route.kind].name), now);
    if (!principal) return next();
    const scoped = route.key(principal, q < 0 ? {} : { ...parseQuery(url.slice(q + 1)) }, now);
    const cached = scoped && options.cache.peek<CachedJson>(scoped.installationId, scoped.key);
    if (!cached) return next();
    const { id, answered } = options.log.start(req);
    const headers: string[] = ['X-Request-Id', id];
    for (const [name, value] of options.headers) headers.push(name, value);
    headers.push('Cache-Control', 'no-store', 'Content-Type', 'application/json; charset=utf-8', 'ETag', cached.etag, 'Content-Length', String(cached.body.length));
    res.writeHead(200, headers);
    res.end(cached.body);
    handler.answered++;
    answered(200);
  }) as HotReadsHandler;
  handler.answered = 0;
  return handler;
}
