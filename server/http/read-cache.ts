// A short-lived cache for hot read endpoints (the portal's invoice list, the technician's clients
// list, the session behind a GET), so a burst of identical reads costs one database round trip, not
// one each. What it serves is never older than what a plain read would have returned a moment ago:
//
// - Writes made by this process drop it. Every statement that is not a plain read (INSERT, UPDATE,
//   DELETE, BEGIN/COMMIT, raw DDL, a CTE that modifies…) marks the moment; an entry is served only
//   if its computation began more than `writeGuardMs` after the last such mark. A lone statement on a
//   table of TABLE_SCOPES (a session sliding its expiry) drops only the scope of that name. The guard covers the commit itself:
//   knex reports COMMIT when it sends it, not when PostgreSQL has made it visible.
// - Writes made by other processes drop it through the live-events feed (payment and invoice status
//   and money changes, server/live/live-hub.ts): each event ends its installation's entries before
//   the event is passed on to browsers, so a page refreshing on a live update reads fresh data.
// - Anything else changed elsewhere (a client renamed by another instance) shows after `ttlMs`: an
//   entry read past half that age is recomputed in the background, one past it is served (by the
//   route, not ahead of Express) only until the recomputation lands, and one older than `maxAgeMs`
//   is not served at all.
//
// Identical reads that arrive while one is being computed wait for it (single flight). Entries are
// bounded (least recently stored first out). Times are the process's monotonic clock, not the
// injected business clock: callers put whatever depends on business time into the key.
import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Knex } from 'knex';
import type { LiveHub } from '../live/live-hub';

export interface ReadCacheOptions {
  /** Entries older than this are refreshed in the background when read (and served meanwhile). */
  ttlMs?: number;
  /** Entries older than this are never served: the read waits for a fresh computation. */
  maxAgeMs?: number;
  writeGuardMs?: number;
  maxEntries?: number;
  /** The monotonic clock (ms), performance.now by default; tests run it ahead. */
  now?: () => number;
}

export interface ReadCache {
  /** The value for `key` in `installationId`'s scope: from the cache while valid, else computed (once for concurrent callers). */
  get<T>(installationId: string, key: string, compute: () => Promise<T>): Promise<T>;
  /** The value for `key` only if the cache holds it fresh (younger than ttlMs, nothing stale); never computes. */
  peek<T>(installationId: string, key: string): T | undefined;
  /** Stops listening to the live feed (the write tracker belongs to the knex instance and stays). */
  close(): void;
  /** Entries held now (tests, diagnostics). */
  readonly size: number;
}

interface Entry {
  value: unknown;
  startedAt: number;
  epoch: number;
  /** How it was computed: the same again refreshes it (keys carry everything the answer depends on). */
  compute: () => Promise<unknown>;
}

/** SELECT, or WITH … SELECT with no data-modifying part (values are bound parameters, never in the text). */
export function isPlainRead(sql: string): boolean {
  if (/^select\b/i.test(sql)) return true;
  return /^with\b/i.test(sql) && !/\b(insert|update|delete|merge|truncate)\b/i.test(sql);
}

/**
 * Tables whose single-statement writes (outside a transaction) only drop the cache scope of the same
 * name: a session sliding its idle expiry once a minute says nothing about invoices or clients.
 */
export const TABLE_SCOPES: ReadonlySet<string> = new Set(['sessions']);

interface WriteTracker {
  /** The last write that may have touched anything. */
  lastWriteAt: number;
  /** The last write to each of TABLE_SCOPES, by table. */
  byTable: Map<string, number>;
}

const SINGLE_TABLE_WRITE = /^(?:update|delete\s+from|insert\s+into)\s+"?([a-z_]+)"?[\s(]/i;

/** The last moment each knex instance saw a write statement (shared by every cache on that instance). */
const trackers = new WeakMap<Knex, WriteTracker>();

function writeTracker(knex: Knex): WriteTracker {
  let tracker = trackers.get(knex);
  if (!tracker) {
    const t: WriteTracker = { lastWriteAt: performance.now(), byTable: new Map() };
    tracker = t;
    trackers.set(knex, t);
    const mark = (data: { sql?: unknown; __knexTxId?: unknown }) => {
      const sql = typeof data?.sql === 'string' ? data.sql.trimStart() : '';
      if (isPlainRead(sql)) return;
      const table = data.__knexTxId === undefined ? SINGLE_TABLE_WRITE.exec(sql)?.[1] : undefined;
      if (table && TABLE_SCOPES.has(table)) t.byTable.set(table, performance.now());
      else t.lastWriteAt = performance.now();
    };
    knex.on('query', mark);
    // Once more when the statement has run: a read that began while it ran must not be kept.
    knex.on('query-response', (_response: unknown, data: { sql?: unknown }) => mark(data));
    knex.on('query-error', (_err: unknown, data: { sql?: unknown }) => mark(data));
  }
  return tracker;
}

export function createReadCache(knex: Knex, live: LiveHub | null, options: ReadCacheOptions = {}): ReadCache {
  const ttlMs = options.ttlMs ?? 2000;
  const maxAgeMs = Math.max(ttlMs, options.maxAgeMs ?? 5000);
  const writeGuardMs = options.writeGuardMs ?? 1000;
  const maxEntries = options.maxEntries ?? 5000;
  const clock = options.now ?? (() => performance.now());
  const tracker = writeTracker(knex);
  const entries = new Map<string, Entry>();
  const inflight = new Map<string, { promise: Promise<unknown>; startedAt: number; epoch: number }>();
  const epochs = new Map<string, number>();
  const epochOf = (installationId: string) => epochs.get(installationId) ?? 0;
  const unsubscribe = live?.subscribeAll((_event, installationId) => {
    epochs.set(installationId, epochOf(installationId) + 1);
  });

  const lastWriteFor = (scope: string) => Math.max(tracker.lastWriteAt, tracker.byTable.get(scope) ?? -Infinity);
  const valid = (installationId: string, startedAt: number, epoch: number, now: number) =>
    now - startedAt < maxAgeMs && startedAt - lastWriteFor(installationId) > writeGuardMs && epoch === epochOf(installationId);

  /** Computes `fullKey` once for every caller arriving meanwhile; stores the value if nothing made it stale. */
  const refresh = <T>(installationId: string, fullKey: string, compute: () => Promise<T>): Promise<T> => {
    const startedAt = clock();
    const epoch = epochOf(installationId);
    let computation: Promise<T> | null = null;
    computation = (async () => {
      try {
        const value = await compute();
        if (valid(installationId, startedAt, epoch, clock())) {
          entries.delete(fullKey); // re-inserted last: eviction goes by the age of the value
          entries.set(fullKey, { value, startedAt, epoch, compute });
          if (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
        }
        return value;
      } finally {
        if (inflight.get(fullKey)?.promise === computation) inflight.delete(fullKey);
      }
    })();
    inflight.set(fullKey, { promise: computation, startedAt, epoch });
    return computation;
  };
  /**
   * Past half its freshness an entry is recomputed in the background (once), so a key read
   * continuously stays fresh instead of going stale for every reader while its refresh runs.
   */
  const refreshAhead = (installationId: string, fullKey: string, hit: Entry, now: number) => {
    if (now - hit.startedAt < ttlMs / 2 || joinable(installationId, fullKey)) return;
    refresh(installationId, fullKey, hit.compute).catch(() => undefined); // the next read computes again
  };
  /** A running computation that began after anything it could have missed. */
  const joinable = (installationId: string, fullKey: string) => {
    const running = inflight.get(fullKey);
    return running && running.startedAt - lastWriteFor(installationId) > writeGuardMs && running.epoch === epochOf(installationId) ? running : null;
  };

  return {
    get size() {
      return entries.size;
    },
    peek<T>(installationId: string, key: string): T | undefined {
      const fullKey = `${installationId}\u0000${key}`;
      const hit = entries.get(fullKey);
      const now = clock();
      if (!hit || now - hit.startedAt >= ttlMs || !valid(installationId, hit.startedAt, hit.epoch, now)) return undefined;
      refreshAhead(installationId, fullKey, hit, now);
      return hit.value as T;
    },
    async get<T>(installationId: string, key: string, compute: () => Promise<T>): Promise<T> {
      const fullKey = `${installationId}\u0000${key}`;
      const now = clock();
      const hit = entries.get(fullKey);
      if (hit) {
        if (valid(installationId, hit.startedAt, hit.epoch, now)) {
          // Old but not stale by any write we know of: served while a fresh one is computed.
          refreshAhead(installationId, fullKey, hit, now);
          return hit.value as T;
        }
        entries.delete(fullKey);
      }
      const running = joinable(installationId, fullKey);
      if (running) return running.promise as Promise<T>;
      return refresh(installationId, fullKey, compute);
    },
    close() {
      unsubscribe?.();
      entries.clear();
    },
  };
}

/**
 * Answers a GET with JSON from the cache: the body is serialized (and its ETag computed) once per
 * computation, so a hit costs neither; a matching If-None-Match gets 304.
 */
export interface CachedJson {
  body: Buffer;
  etag: string;
}

export async function sendCachedJson(req: Request, res: Response, cache: ReadCache, installationId: string, key: string, compute: () => Promise<unknown>): Promise<void> {
  const { body, etag } = await cache.get<CachedJson>(installationId, key, async () => {
    const body = Buffer.from(JSON.stringify(await compute()));
    return { body, etag: `W/"${body.length.toString(16)}-${createHash('sha1').update(body).digest('base64url').slice(0, 27)}"` };
  });
  res.setHeader('ETag', etag);
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.send(body);
}

/** The business clock's minute, for keys of answers that depend on the date (overdue, today). */
export const clockMinute = (now: Date): number => Math.floor(now.getTime() / 60_000);
