// Fans payment and invoice status changes out to the browsers connected to this process.
//
// Where changes come from: triggers on payments and invoices (migrations 20261205000012 and 16) write
// a live_events row in the changing transaction, whatever code path made the change (webhook
// handler, autopay run, portal payment, PSA sync) and whichever process ran it.
//
// How they get here: every process polls live_events every `pollMs` while anyone is connected to it
// (PostgreSQL with any number of processes, and PGlite). The triggers used to NOTIFY instead, but
// PostgreSQL serializes the commits of every transaction that notifies (a database-wide lock held
// through the WAL flush), which capped every money-moving path — an autopay run at ~42 charges a
// second — for the sake of a screen refresh; a poll of an indexed table twice a second costs nothing.
//
// Ids come from a sequence when a row is inserted, but transactions commit in any order, so a poll
// can see id 103 before id 102 is committed. The hub remembers such gaps for `gapMs` and asks for
// them again on each poll: a change that commits late is still delivered (once), and a gap left by a
// rolled-back transaction is forgotten. On PGlite (one connection) there are no such gaps.
//
// A browser that reconnects sends Last-Event-ID; the route replays later rows of its installation
// from the table (kept a day, see prune-live-events). Viewers only ever receive their own
// installation's events: the hub indexes subscribers by installation id.
import type { Knex } from 'knex';
import type { Database } from '../db/database';
import type { Logger } from '../logger';
import { toLiveEventView, type LiveEventRow, type LiveEventView } from './live-event';

export type LiveListener = (event: LiveEventView) => void;

export interface LiveHubOptions {
  /** Polling interval. */
  pollMs?: number;
  /** How long a gap in the ids (a transaction still running, or rolled back) is asked for again. */
  gapMs?: number;
}

export interface LiveHub {
  /** Resolves once the hub knows where to poll from. */
  ready(): Promise<void>;
  /** Starts delivering this installation's events to `listener`; returns the unsubscribe function. */
  subscribe(installationId: string, listener: LiveListener): () => void;
  /**
   * Every installation's events, before they reach the installation's own subscribers (the read
   * cache drops what an event makes stale before a browser can re-read it). Keeps the hub polling.
   */
  subscribeAll(listener: (event: LiveEventView, installationId: string) => void): () => void;
  /** Rows after `afterId` for one installation, oldest first (at most `limit`). */
  replay(installationId: string, afterId: string, limit?: number): Promise<LiveEventView[]>;
  /** Registers something to end at shutdown (an open stream); returns its unregister function. */
  onClose(fn: () => void): () => void;
  /** Ends every stream and stops polling; later subscribers get nothing. */
  close(): Promise<void>;
  readonly mode: 'poll';
}

const ID = /^\d{1,18}$/;
/** A jump in ids wider than this (a sequence cache, a burst elsewhere) is not tracked id by id. */
const MAX_TRACKED_GAP = 5_000;

export function createLiveHub(source: { knex: Knex; kind: Database['kind']; url: string | null }, logger: Logger, options: LiveHubOptions = {}): LiveHub {
  const listeners = new Map<string, Set<LiveListener>>();
  const everyInstallation = new Set<(event: LiveEventView, installationId: string) => void>();
  const watched = () => listeners.size > 0 || everyInstallation.size > 0;
  const closers = new Set<() => void>();
  const pollMs = options.pollMs ?? 500;
  const gapMs = options.gapMs ?? 60_000;
  let closed = false;
  let cursor: number | null = null; // highest id seen (or skipped as before the first subscriber)
  const gaps = new Map<number, number>(); // id not seen yet below the cursor → when first missed
  let started: Promise<void> | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let looping = false; // a poll is scheduled or running

  const dispatch = (row: LiveEventRow) => {
    const set = listeners.get(row.installation_id);
    if (!set && everyInstallation.size === 0) return;
    const view = toLiveEventView(row);
    const targets: LiveListener[] = [...[...everyInstallation].map((all) => (v: LiveEventView) => all(v, row.installation_id)), ...(set ?? [])];
    for (const listener of targets) {
      try {
        listener(view);
      } catch (err) {
        logger.warn({ err }, 'live listener failed');
      }
    }
  };

  const latestId = async (): Promise<number> => {
    const row = (await source.knex('live_events').max({ id: 'id' }).first()) as { id: number | string | null } | undefined;
    return Number(row?.id ?? 0);
  };

  /** Rows after the cursor and the gaps still open, every installation's (gaps are global). */
  const poll = async () => {
    if (cursor === null || !watched()) return;
    const now = Date.now();
    for (const [id, since] of gaps) if (now - since > gapMs) gaps.delete(id);
    const after = cursor;
    const missing = [...gaps.keys()];
    const rows = (await source
      .knex('live_events')
      .where((q) => {
        q.where('id', '>', after);
        if (missing.length > 0) q.orWhereIn('id', missing);
      })
      .orderBy('id')
      .limit(1000)) as LiveEventRow[];
    for (const row of rows) {
      const id = Number(row.id);
      if (id <= (cursor ?? 0)) {
        if (!gaps.delete(id)) continue; // delivered already
      } else {
        if (id - (cursor ?? 0) <= MAX_TRACKED_GAP) for (let g = (cursor ?? 0) + 1; g < id; g++) gaps.set(g, now);
        cursor = id;
      }
      dispatch(row);
    }
  };

  const schedulePoll = () => {
    looping = !closed && watched();
    if (!looping) return;
    timer = setTimeout(() => {
      timer = null;
      poll().then(schedulePoll, (err: unknown) => {
        logger.warn({ err }, 'live events poll failed');
        schedulePoll();
      });
    }, pollMs);
  };

  const start = (): Promise<void> => {
    started ??= (async () => {
      cursor = await latestId();
    })().catch((err: unknown) => {
      started = null;
      throw err;
    });
    return started;
  };

  /** Polls from now on (once the starting point is known), unless already polling. */
  const watch = () => {
    start().then(
      () => {
        if (!looping) schedulePoll();
      },
      (err: unknown) => logger.error({ err }, 'live updates could not start'),
    );
  };

  return {
    mode: 'poll',
    ready: start,
    subscribe(installationId, listener) {
      if (closed) return () => undefined;
      let set = listeners.get(installationId);
      if (!set) listeners.set(installationId, (set = new Set()));
      set.add(listener);
      watch();
      return () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(installationId);
      };
    },
    subscribeAll(listener) {
      if (closed) return () => undefined;
      everyInstallation.add(listener);
      watch();
      return () => {
        everyInstallation.delete(listener);
      };
    },
    async replay(installationId, afterId, limit = 500) {
      if (!ID.test(afterId)) return [];
      const rows = (await source.knex('live_events').where({ installation_id: installationId }).where('id', '>', afterId).orderBy('id').limit(limit)) as LiveEventRow[];
      return rows.map(toLiveEventView);
    },
    onClose(fn) {
      closers.add(fn);
      return () => closers.delete(fn);
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
      for (const fn of [...closers]) fn();
      closers.clear();
      listeners.clear();
      everyInstallation.clear();
    },
  };
}
