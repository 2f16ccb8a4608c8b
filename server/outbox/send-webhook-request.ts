// One outbound POST to a vetted address: connects to exactly the IP the SSRF guard approved (the host
// name only travels in Host and TLS SNI), never follows redirects, gives up after a deadline, and
// keeps at most a short excerpt of the response body.
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { VettedUrl } from './ssrf-guard';

export interface WebhookResponse {
  status: number;
  /** The first characters of the body, control characters removed, for the delivery log. */
  excerpt: string;
}

export interface SendWebhookRequestOptions {
  target: VettedUrl;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
}

const EXCERPT_BYTES = 500;

/** Control characters (newlines, escapes) become spaces: the excerpt is shown in the UI and logs. */
const printable = (text: string) =>
  [...text]
    .map((ch) => (ch.charCodeAt(0) < 32 || ch.charCodeAt(0) === 127 ? ' ' : ch))
    .join('')
    .replace(/ {2,}/g, ' ')
    .trim();

/** Resolves with the status for any HTTP answer (3xx included); rejects on network errors and timeouts. */
export function sendWebhookRequest(options: SendWebhookRequestOptions): Promise<WebhookResponse> {
  const { url, address } = options.target;
  const lookup: LookupFunction = (_hostname, opts, callback) => {
    if ((opts as { all?: boolean }).all) (callback as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [{ address: address.address, family: address.family }]);
    else callback(null, address.address, address.family);
  };
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request({
      method: 'POST',
      hostname,
      port: url.port || (url.protocol === 'https:' ? 443 : 80),
      path: `${url.pathname}${url.search}`,
      headers: { ...options.headers, 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(options.body)), Host: url.host },
      lookup,
      agent: false,
      ...(url.protocol === 'https:' ? { servername: hostname } : {}),
    });
    const deadline = setTimeout(() => req.destroy(new Error(`no response within ${Math.round(options.timeoutMs / 1000)} s`)), options.timeoutMs);
    req.on('error', (err) => {
      clearTimeout(deadline);
      reject(err);
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const finish = () => {
        clearTimeout(deadline);
        const text = Buffer.concat(chunks).toString('utf8').slice(0, EXCERPT_BYTES);
        resolve({ status: res.statusCode ?? 0, excerpt: printable(text) });
      };
      res.on('data', (chunk: Buffer) => {
        if (size < EXCERPT_BYTES) chunks.push(chunk);
        size += chunk.length;
        if (size >= EXCERPT_BYTES) {
          res.destroy();
          finish();
        }
      });
      res.on('end', finish);
      res.on('error', finish);
    });
    req.end(options.body);
  });
}
