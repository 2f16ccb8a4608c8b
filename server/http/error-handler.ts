import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError } from './app-error';

/** body-parser errors carry a `type`; map them to stable codes instead of leaking their text. */
function fromParserError(err: unknown): AppError | null {
  const e = err as { type?: string; status?: number };
  switch (e?.type) {
    case 'entity.parse.failed':
      return new AppError('INVALID_JSON');
    case 'entity.too.large':
      return new AppError('PAYLOAD_TOO_LARGE');
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return new AppError('UNSUPPORTED_MEDIA_TYPE');
    default:
      return null;
  }
}

export const apiNotFound: RequestHandler = (_req, _res, next) => next(new AppError('ROUTE_NOT_FOUND'));

/** The one error middleware: AppErrors become their JSON body; anything else is a logged 500. */
export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  const appError = err instanceof AppError ? err : fromParserError(err);
  if (appError) {
    if (appError.status >= 500) req.log?.error({ err }, 'request failed');
    for (const [k, v] of Object.entries(appError.headers)) res.setHeader(k, v);
    res.status(appError.status).json(appError.toBody());
    return;
  }
  const status = (err as { status?: unknown })?.status;
  if (status === 404 || status === 416) {
    // express.static for a missing or unsatisfiable asset; not an API error.
    res.status(status).type('text/plain').send(status === 404 ? 'Not found' : 'Range not satisfiable');
    return;
  }
  req.log?.error({ err }, 'unhandled error');
  if (res.headersSent) {
    res.end();
    return;
  }
  res.status(500).json(new AppError('INTERNAL_ERROR').toBody());
};
