import { createContext, useContext, useEffect, useMemo, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import type { LiveEventView } from '../../../server/live/live-event';

export type LiveStatus = 'connecting' | 'live' | 'offline';

interface LiveState {
  /** How many events have touched each topic since the page loaded. */
  versions: ReadonlyMap<string, number>;
  status: LiveStatus;
}

const LiveContext = createContext<LiveState>({ versions: new Map(), status: 'offline' });

/** The topics an event invalidates: the lists, the dashboard, and the client, payment or invoice it is about. */
export function topicsOf(event: LiveEventView): string[] {
  const topics = ['clients', 'dashboard', 'payments', `${event.kind}:${event.subjectId}`];
  if (event.clientId) topics.push(`client:${event.clientId}`);
  return topics;
}

/**
 * One EventSource for the whole signed-in app (`GET /api/app/events`). The browser reconnects by
 * itself and sends Last-Event-ID, so the server replays what was missed. Data hooks read a topic's
 * version (`useLiveVersion`) in their key and reload when it moves; bursts are coalesced into one
 * render per 250 ms so a PSA sync of 1,000 invoices does not reload a page 1,000 times.
 */
export function LiveProvider({ children, enabled = true }: { children: ReactNode; enabled?: boolean }) {
  const [versions, setVersions] = useState<ReadonlyMap<string, number>>(new Map());
  const [status, setStatus] = useState<LiveStatus>('connecting');
  const pending = useRef(new Set<string>());
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => {
    if (!enabled || typeof EventSource === 'undefined') return;
    const source = new EventSource('/api/app/events');
    const flush = () => {
      timer.current = null;
      const topics = [...pending.current];
      pending.current.clear();
      setVersions((previous) => {
        const next = new Map(previous);
        for (const topic of topics) next.set(topic, (next.get(topic) ?? 0) + 1);
        return next;
      });
    };
    source.addEventListener('open', () => setStatus('live'));
    source.addEventListener('error', () => setStatus(source.readyState === EventSource.CLOSED ? 'offline' : 'connecting'));
    source.addEventListener('change', (message) => {
      let event: LiveEventView;
      try {
        event = JSON.parse((message as MessageEvent<string>).data) as LiveEventView;
      } catch {
        return;
      }
      for (const topic of topicsOf(event)) pending.current.add(topic);
      timer.current ??= setTimeout(flush, 250);
    });
    return () => {
      source.close();
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
    };
  }, [enabled]);

  const value = useMemo(() => ({ versions, status }), [versions, status]);
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

/** A number that goes up whenever something about `topic` changes; put it in a data hook's key. */
export function useLiveVersion(topic: string): number {
  return useContext(LiveContext).versions.get(topic) ?? 0;
}

export function useLiveStatus(): LiveStatus {
  return useContext(LiveContext).status;
}
