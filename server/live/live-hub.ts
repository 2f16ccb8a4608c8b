// Fans payment and invoice status changes out to the browsers connected to this process.
//
// Where changes come from: triggers on payments and invoices (migration 20261205000012) write a
// live_events row and NOTIFY settle_live in the changing transaction, whatever code path made the
// change (webhook handler, autopay run, portal payment, PSA sync) and whichever process ran it.
//
// - PostgreSQL (any number of processes): one dedicated connection per process LISTENs. NOTIFY is
//   delivered at commit, in commit order, and never for a rolled-back change, so a payment settled
//   by a webhook in process A reaches a viewer connected to process B within milliseconds. If the
//   listening connection drops, the hub reconnects and catches up from the last id it saw.
// - PGlite (one process, one connection): polling live_events every `pollMs` while anyone is
//   connected. With a single connection transactions never interleave, so ids commit in order and
//   `id > cursor` misses nothing.
//
// A browser that reconnects sends Last-Event-ID; the route replays later rows of its installation
// from the table (kept a day, see prune-live-events). Viewers only ever receive their own
// installation's events: the hub indexes subscribers by installation id.
import type { Knex } from 'knex';
import pg from 'pg';
import type { Database } from '../db/database';
import type { Logger } from '../logger';
import { toLiveEventView, type LiveEventRow, type LiveEventView } from './live-event';

export type LiveListener = (event: LiveEventView) => void;

export interface LiveHubOptions {
  /** PGlite polling interval. */
  pollMs?: number;
  /** Wait before reconnecting a dropped LISTEN connection. */
  reconnectMs?: number;
}

export interface LiveHub {
  /** Resolves once the hub listens (PostgreSQL) or knows where to poll from (PGlite). */
  ready(): Promise<void>;
  /** Starts delivering this installation's events to `listener`; returns the unsubscribe function. */
  subscribe(installationId: string, listener: LiveListener): () => void;
  /** Rows after `afterId` for one installation, oldest first (at most `limit`). */
  replay(installationId: string, afterId: string, limit?: number): Promise<LiveEventView[]>;
  /** Registers something to end at shutdown (an open stream); returns its unregister function. */
  onClose(fn: () => void): () => void;
  /** Ends every stream and stops listening; later subscribers get nothing. */
  close(): Promise<void>;
  readonly mode: 'listen' | 'poll';
}

const ID = /^\d{1,18}$/;

export function createLiveHub(source: { knex: Knex; kind: Database['kind']; url: string | null }, logger: Logger, options: LiveHubOptions = {}): LiveHub {
  const listeners = new Map<string, Set<LiveListener>>();
  const closers = new Set<() => void>();
  const pollMs = options.pollMs ?? 500;
  const reconnectMs = options.reconnectMs ?? 1000;
  const mode: LiveHub['mode'] = source.kind === 'postgres' && source.url ? 'listen' : 'poll';
  let closed = false;
  let cursor: string | null = null; // highest id delivered (or skipped as before the first subscriber)
  let started: Promise<void> | null = null;
  let client: pg.Client | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const dispatch = (row: LiveEventRow) => {
    const id = String(row.id);
    if (cursor === null || BigInt(id) > BigInt(cursor)) cursor = id;
    const set = listeners.get(row.installation_id);
    if (!set) return;
    const view = toLiveEventView(row);
    for (const listener of set) {
      try {
        listener(view);
      } catch (err) {
        logger.warn({ err }, 'live listener failed');
      }
    }
  };

  const latestId = async (): Promise<string> => {
    const row = (await source.knex('live_events').max({ id: 'id' }).first()) as { id: number | string | null } | undefined;
    return String(row?.id ?? 0);
  };

  /** Rows after the cursor, for every installation with a viewer here (polling, and catch-up after a reconnect). */
  const catchUp = async () => {
    if (cursor === null || listeners.size === 0) return;
    const rows = (await source.knex('live_events').where('id', '>', cursor).whereIn('installation_id', [...listeners.keys()]).orderBy('id').limit(1000)) as LiveEventRow[];
    for (const row of rows) dispatch(row);
  };

  const schedulePoll = () => {
    if (closed || listeners.size === 0) return;
    timer = setTimeout(() => {
      timer = null;
      catchUp().then(schedulePoll, (err: unknown) => {
        logger.warn({ err }, 'live events poll failed');
        schedulePoll();
      });
    }, pollMs);
  };

  const listen = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: source.url! });
    c.on('error', (err) => logger.warn({ err }, 'live events connection error'));
    c.on('end', () => {
      if (client !== c || closed) return;
      client = null;
      setTimeout(() => {
        if (!closed) listen().then(catchUp).catch((err: unknown) => logger.warn({ err }, 'live events reconnect failed'));
      }, reconnectMs);
    });
    c.on('notification', (message) => {
      if (message.channel !== 'settle_live' || !message.payload) return;
      try {
        const p = JSON.parse(message.payload) as { id: number; installationId: string; kind: 'payment' | 'invoice'; subjectId: string; clientId: string | null; status: string; at: string };
        dispatch({ id: p.id, installation_id: p.installationId, kind: p.kind, subject_id: p.subjectId, client_id: p.clientId, status: p.status, at: p.at });
      } catch (err) {
        logger.warn({ err }, 'unreadable live event');
      }
    });
    await c.connect();
    await c.query('listen settle_live');
    if (closed) {
      await c.end();
      return;
    }
    client = c;
  };

  const start = (): Promise<void> => {
    started ??= (async () => {
      cursor = await latestId();
      if (mode === 'listen') await listen();
    })().catch((err: unknown) => {
      started = null;
      throw err;
    });
    return started;
  };

  return {
    mode,
    ready: start,
    subscribe(installationId, listener) {
      if (closed) return () => undefined;
      let set = listeners.get(installationId);
      if (!set) listeners.set(installationId, (set = new Set()));
      set.add(listener);
      start().then(
        () => {
          if (mode === 'poll' && timer === null) schedulePoll();
        },
        (err: unknown) => logger.error({ err }, 'live updates could not start'),
      );
      return () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(installationId);
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
      const c = client;
      client = null;
      await c?.end().catch(() => undefined);
    },
  };
}
