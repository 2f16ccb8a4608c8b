// A load generator for GET endpoints: `concurrency` requests in flight over kept-alive HTTP/1.1
// connections, on its own thread so it does not share the server's event loop. Also: the bench config and percentiles.
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { gzipSync } from 'node:zlib';
import { parseConfig, type Config } from '../../server/config/config';

const CLIENT_THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const net = require('node:net');
const { base, cookie, paths, concurrency } = workerData;
const target = new URL(base);
// One kept-alive HTTP/1.1 connection per request in flight, spoken over plain sockets: the client
// does as little as it can (find the end of the headers, read Content-Length, count the body), so the
// figures are the server's, not the load generator's (node:http's client costs more per response
// than the servers being measured, and it shares the 2 cores with them).
function connection() {
  const socket = net.connect({ host: target.hostname, port: Number(target.port), noDelay: true });
  let buffer = Buffer.alloc(0);
  let pending = null; // { resolve, reject, path }
  let need = -1; // bytes of the whole response once the headers are in
  let status = 0;
  socket.on('data', (chunk) => {
    buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
    while (pending) {
      if (need < 0) {
        const end = buffer.indexOf('\\r\\n\\r\\n');
        if (end < 0) return;
        const head = buffer.toString('latin1', 0, end);
        status = Number(head.slice(9, 12));
        const length = /\\r\\ncontent-length:\\s*(\\d+)/i.exec(head);
        if (!length) { const p = pending; pending = null; p.reject(new Error('GET ' + p.path + ' answered without Content-Length')); return; }
        need = end + 4 + Number(length[1]);
      }
      if (buffer.length < need) return;
      const size = need;
      buffer = buffer.subarray(need);
      need = -1;
      const p = pending;
      pending = null;
      if (status === 200 && size > 0) p.resolve(); else p.reject(new Error('GET ' + p.path + ' answered ' + status));
    }
  });
  socket.on('error', (err) => { if (pending) { const p = pending; pending = null; p.reject(err); } });
  return {
    get: (path) => new Promise((resolve, reject) => {
      pending = { resolve, reject, path };
      socket.write('GET ' + path + ' HTTP/1.1\\r\\nHost: ' + target.host + '\\r\\nCookie: ' + cookie + '\\r\\nAccept: application/json\\r\\n\\r\\n');
    }),
    close: () => socket.destroy(),
  };
}
const connections = Array.from({ length: concurrency }, connection);
parentPort.on('message', async (count) => {
  const latencies = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(connections.map(async (c) => {
    while (next < count) {
      const path = paths[next++ % paths.length];
      const t0 = performance.now();
      await c.get(path);
      latencies.push(performance.now() - t0);
    }
  }));
  parentPort.postMessage({ latencies, seconds: (performance.now() - started) / 1000 });
});
`;

export interface LoadResult {
  latencies: number[];
  seconds: number;
}

export interface GetLoad {
  /** Sends `count` requests, cycling through the paths; resolves with each latency (ms). */
  run(count: number): Promise<LoadResult>;
  stop(): Promise<void>;
}

export function startGetLoad(options: { base: string; cookie: string; paths: string[]; concurrency: number }): GetLoad {
  const sender = new Worker(CLIENT_THREAD, { eval: true, workerData: options });
  return {
    run: (count) =>
      new Promise<LoadResult>((resolve, reject) => {
        sender.once('message', resolve);
        sender.once('error', reject);
        sender.postMessage(count);
      }),
    stop: async () => {
      await sender.terminate();
    },
  };
}

export function percentile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? 0;
}

/** Settle's config for a benchmark server: no jobs, Stripe unused, the given database. */
export function benchConfig(databaseUrl: string | null): Config {
  const parsed = parseConfig({
    NODE_ENV: 'test',
    DEMO_MODE: 'false',
    PORT: '0',
    HOST: '127.0.0.1',
    PUBLIC_URL: 'http://127.0.0.1:3000',
    LOG_LEVEL: 'warn',
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    MARKETPLACE_SHARED_SECRET: randomBytes(24).toString('hex'),
    JOBS_ENABLED: 'false',
    STRIPE_SECRET_KEY: 'sk_test_bench_unused',
    STRIPE_PUBLISHABLE_KEY: 'pk_test_bench_unused',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  });
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  return parsed.config;
}

/** Builds one of the web apps and returns its JavaScript, gzipped (level 9), in kB. */
export function builtJsGzipKb(app: 'client-portal' | 'technician-ui', outDir: 'portal' | 'app'): { files: number; kb: number } {
  const build = spawnSync('npx', ['vite', 'build', '--config', `${app}/vite.config.ts`, '--logLevel', 'error'], { encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`${app} build failed:\n${build.stdout}\n${build.stderr}`);
  const assets = join('dist', outDir, 'assets');
  const js = readdirSync(assets).filter((f) => f.endsWith('.js'));
  const bytes = js.reduce((sum, f) => sum + gzipSync(readFileSync(join(assets, f)), { level: 9 }).length, 0);
  return { files: js.length, kb: Number((bytes / 1024).toFixed(1)) };
}

/**
 * The machine's floor for the same load: a bare node:http server on this thread answering every
 * request with the given response (the bytes and headers Settle sent), no routing, no middleware.
 * No server built on Node's HTTP stack answers faster here; the ratio to it says what Settle adds.
 */
export async function measureHttpFloor(options: { url: string; cookie: string; concurrency: number; requests: number }): Promise<{ reqPerS: number; p99: number; bytes: number }> {
  const sample = await fetch(options.url, { headers: { cookie: options.cookie, accept: 'application/json' } });
  const body = Buffer.from(await sample.arrayBuffer());
  const headers: string[] = [];
  sample.headers.forEach((value, name) => {
    if (!['content-length', 'connection', 'keep-alive', 'date', 'transfer-encoding'].includes(name)) headers.push(name, value);
  });
  headers.push('content-length', String(body.length));
  const server = createServer((_req, res) => {
    res.writeHead(200, headers);
    res.end(body);
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const load = startGetLoad({ base: `http://127.0.0.1:${port}`, cookie: options.cookie, paths: ['/'], concurrency: options.concurrency });
  await load.run(1000);
  const measured = await load.run(options.requests);
  await load.stop();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return { reqPerS: Math.round(options.requests / measured.seconds), p99: Number(percentile(measured.latencies, 0.99).toFixed(2)), bytes: body.length };
}
