// Request ids and request logs, at a cost a hot read can afford. Every response carries
// X-Request-Id (the caller's when it is a safe token, else a new UUID); `req.log` is a child logger
// bound to the request, made only when something logs through it (an error); one line per response
// is written when the logger's level lets it through: info normally, error for 5xx. URLs are logged
// without their query string and with link tokens redacted.
import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
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

export function requestLog(logger: Logger, options: RequestLogOptions = {}): RequestHandler {
  const describe = (req: Request, id: string) => ({
    id,
    method: req.method,
    url: (options.redactPath ?? ((p: string) => p))(req.originalUrl.split('?')[0] ?? ''),
    ip: req.socket.remoteAddress,
  });
  return (req, res, next) => {
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
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
      const failed = res.statusCode >= 500;
      const level = failed ? 'error' : 'info';
      if (!logger.isLevelEnabled(level)) return;
      const line = { req: describe(req, id), res: { statusCode: res.statusCode }, responseTime: Math.round(performance.now() - started) };
      if (failed) logger.error(line, 'request errored');
      else if (res.writableFinished) logger.info(line, 'request completed');
      else logger.info(line, 'request aborted');
    };
    res.once('finish', finished);
    res.once('close', finished);
    next();
  };
}
