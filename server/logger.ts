import { pino, type Logger } from 'pino';

export type { Logger };

/** Redacts anything that may carry a secret, wherever it appears in a log object. */
export const redactPaths = [
  'password',
  '*.password',
  'secret',
  '*.secret',
  'token',
  '*.token',
  'apiKey',
  '*.apiKey',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
];

export function createLogger(options: { level: string; destination?: NodeJS.WritableStream }): Logger {
  return pino(
    { level: options.level, redact: { paths: redactPaths, censor: '[redacted]' }, base: { service: 'settle' } },
    options.destination as never,
  );
}
