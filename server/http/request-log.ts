// Request ids and request logs, at a cost a hot read can afford. Every response carries
// X-Request-Id (the caller's when it is a safe token, else a new UUID); `req.log` is a child logger
// bound to the request, made only when something logs through it (an error); one line per response
// is written when the logger's level lets it through: info normally, error for 5xx. URLs are logged
// without their query string and with link tokens redacted.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import type { Logger } from '../logger';

declare module 'express-serve-static-core' {
  interface Request {
    id?: string;
    log?: Logger;
  }
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export interface RequestLogOptions {
  /** Requests never logged (static assets). */
  ignore?: (url: string) => boolean;
  /** Rewrites the path before it is logged (redacts tokens in it). */
  redactPath?: (path: string) => string;
}

export interface RequestLog {
  /** Express middleware: sets the id header, `req.id` and `req.log`, logs when the response ends. */
  middleware: RequestHandler;
  /** For a handler ahead of Express that answers itself: the id to send, and what to call once it has answered. */
  start(req: IncomingMessage): { id: string; answered(statusCode: number, outcome?: 'completed' | 'aborted'): void };
}

export function createRequestLog(logger: Logger, options: RequestLogOptions = {}): RequestLog {
  const redact = options.redactPath ?? ((p: string) => p);
  const describe = (req: IncomingMessage, id: string) => ({
    id,
    method: req.method,
    url: redact((req as { originalUrl?: string }).originalUrl?.split('?')[0] ?? req.url?.split('?')[0] ?? ''),
    ip: req.socket.remoteAddress,
  });
  const idOf = (req: IncomingMessage) => {
    const incoming = req.headers['x-request-id'];
    return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  };
  const write = (req: IncomingMessage, id: string, statusCode: number, started: number, outcome: 'completed' | 'aborted') => {
    const failed = statusCode >= 500;
    if (!logger.isLevelEnabled(failed ? 'error' : 'info')) return;
    const line = { req: describe(req, id), res: { statusCode }, responseTime: Math.round(performance.now() - started) };
    if (failed) logger.error(line, 'request errored');
    else logger.info(line, `request ${outcome}`);
  };
  return {
    middleware: (req, res, next) => {
      const id = idOf(req);
      res.setHeader('X-Request-Id', id);
      req.id = id;
      let child: Logger | undefined;
      Object.defineProperty(req, 'log', { configurable: true, enumerable: false, get: () => (child ??= logger.child({ req: describe(req, id) })) });
      if (options.ignore?.(req.url)) return next();
      const started = performance.now();
      let done = false;
      const finished = () => {
        if (done) return;
        done = true;
        write(req, id, res.statusCode, started, res.writableFinished ? 'completed' : 'aborted');
      };
      res.once('finish', finished);
      res.once('close', finished);
      next();
    },
    start(req) {
      const id = idOf(req);
      const started = performance.now();
      return { id, answered: (statusCode, outcome = 'completed') => write(req, id, statusCode, started, outcome) };
    },
  };
}
