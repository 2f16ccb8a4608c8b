// GET /api/app/events: a server-sent event stream of this installation's payment and invoice status
// changes, for the signed-in technician UI. `Last-Event-ID` (sent by the browser on reconnect)
// replays what was missed; a comment line every 20 s keeps proxies from closing an idle stream; the
// session is re-checked every minute, so signing out elsewhere ends the stream.
import { Router, type Request, type Response } from 'express';
import type { SettlePassport } from '../auth/passport-setup';
import { runStrategy } from '../auth/passport-setup';
import type { StaffPrincipal } from '../auth/principal';
import { requireStaff, staffOf } from '../auth/require-auth';
import type { LiveEventView } from './live-event';
import type { LiveHub } from './live-hub';

export interface LiveRouteOptions {
  heartbeatMs?: number;
  /** Re-check the session every this many heartbeats. */
  sessionCheckEvery?: number;
}

function frame(event: LiveEventView): string {
  return `id: ${event.id}\nevent: change\ndata: ${JSON.stringify(event)}\n\n`;
}

export function liveRoutes(passport: SettlePassport, hub: LiveHub, options: LiveRouteOptions = {}): Router {
  const router = Router();
  const heartbeatMs = options.heartbeatMs ?? 20_000;
  const sessionCheckEvery = options.sessionCheckEvery ?? 3;

  router.get('/events', requireStaff(passport), async (req: Request, res: Response) => {
    const principal = staffOf(req);
    // Listening before the stream opens: a change committed after the page saw "connected" is never missed.
    await hub.ready();
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write('retry: 3000\n\n');

    // Subscribe before replaying, hold live events until the replay is sent, then drop duplicates.
    // Ids are not always in commit order (a transaction that commits late delivers a lower id after
    // a higher one), so duplicates are told by the ids sent, not by the highest.
    const lastEventId = req.get('last-event-id');
    let replaying = true;
    const held: LiveEventView[] = [];
    const sent = new Set<string>();
    const send = (event: LiveEventView) => {
      if (sent.has(event.id)) return;
      sent.add(event.id);
      if (sent.size > 10_000) sent.delete(sent.values().next().value!);
      res.write(frame(event));
    };
    const unsubscribe = hub.subscribe(principal.installationId, (event) => (replaying ? held.push(event) : send(event)));
    let beats = 0;
    const end = () => {
      clearInterval(heartbeat);
      unsubscribe();
      unregister();
      if (!res.writableEnded) res.end();
    };
    const unregister = hub.onClose(end);
    const heartbeat = setInterval(() => {
      res.write(': ping\n\n');
      if (++beats % sessionCheckEvery !== 0) return;
      runStrategy<StaffPrincipal>(passport, 'staff-session', req).then(
        (current) => {
          if (current) return;
          res.write('event: expired\ndata: {}\n\n');
          end();
        },
        () => undefined,
      );
    }, heartbeatMs);
    req.on('close', end);

    if (lastEventId) {
      try {
        for (const event of await hub.replay(principal.installationId, lastEventId)) send(event);
      } catch {
        // The stream still works; the page reloads its data on the next change.
      }
    }
    replaying = false;
    for (const event of held.splice(0)) send(event);
  });

  return router;
}
