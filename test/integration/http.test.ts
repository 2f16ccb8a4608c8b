// The HTTP contract: error shapes, limits, security headers, static apps. Rejected requests change nothing.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toCount } from '../../server/db/database';
import { makeInstallation, makeStaffUser } from '../support/factories';
import { Agent } from '../support/http-agent';
import { startTestApp, type TestApp } from '../support/test-app';

let app: TestApp;
let agent: Agent;
let webRoot: string;

async function tableCounts(): Promise<Record<string, number>> {
  const knex = app.db.database.knex;
  const out: Record<string, number> = {};
  for (const t of ['sessions', 'login_attempts', 'api_keys', 'audit_log']) {
    out[t] = toCount(((await knex(t).count({ n: '*' }).first()) as { n: unknown }).n);
  }
  return out;
}

beforeAll(async () => {
  webRoot = mkdtempSync(join(tmpdir(), 'settle-web-'));
  for (const dir of ['portal', 'app']) {
    mkdirSync(join(webRoot, dir, 'assets'), { recursive: true });
    writeFileSync(join(webRoot, dir, 'index.html'), `<!doctype html><title>${dir} shell</title>`);
    writeFileSync(join(webRoot, dir, 'assets', 'main-abc123.js'), 'console.log(1)');
  }
  app = await startTestApp({ webRoot, env: { BODY_LIMIT: '2kb' } });
  const inst = await makeInstallation(app.db.database.knex);
  const admin = await makeStaffUser(inst.scope, { role: 'admin' });
  agent = new Agent(app.url);
  await agent.login('app', admin.email, admin.password);
});
afterAll(() => app?.close());

describe('bad input gets a stable 4xx and changes nothing', () => {
  it('malformed JSON → 400 INVALID_JSON', async () => {
    const before = await tableCounts();
    const res = await agent.request('POST', '/api/app/api-keys', { body: '{"name": "x",', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: 'INVALID_JSON', message: 'The request body is not valid JSON.' } });
    expect(await tableCounts()).toEqual(before);
  });

  it('schema violations → 400 naming the fields; unknown fields are refused', async () => {
    const before = await tableCounts();
    const res = await agent.post('/api/app/api-keys', { name: '', scopes: ['all'] });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.fields).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: 'name' }), expect.objectContaining({ path: 'scopes', message: 'Unknown field.' })]),
    );
    expect(await tableCounts()).toEqual(before);
  });

  it('oversized bodies → 413 PAYLOAD_TOO_LARGE', async () => {
    const before = await tableCounts();
    const res = await agent.post('/api/app/api-keys', { name: 'x'.repeat(5000) });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await tableCounts()).toEqual(before);
  });

  it('non-JSON bodies → 415', async () => {
    const res = await agent.request('POST', '/api/app/api-keys', { body: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('unknown API routes → 404 JSON, for any method', async () => {
    for (const [method, path] of [['GET', '/api/nope'], ['POST', '/api/app/nope'], ['DELETE', '/api/portal/x/y']] as const) {
      const res = await agent.request(method, path);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('ROUTE_NOT_FOUND');
    }
  });

  it('ids that are not UUIDs are a 404 of the resource, not a 500', async () => {
    const res = await agent.get("/api/app/clients/1' or 1=1");
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('CLIENT_NOT_FOUND');
  });

  it('bad query parameters → 400', async () => {
    const res = await agent.get('/api/app/clients?pageSize=5000&sort=shoe_size');
    expect(res.status).toBe(400);
    expect(res.body.error.fields.map((f: { path: string }) => f.path)).toEqual(expect.arrayContaining(['pageSize', 'sort']));
  });
});

describe('headers', () => {
  it('echoes a safe X-Request-Id or makes one', async () => {
    const given = await fetch(`${app.url}/api/health`, { headers: { 'x-request-id': 'psa-req-42' } });
    expect(given.headers.get('x-request-id')).toBe('psa-req-42');
    const unsafe = await fetch(`${app.url}/api/health`, { headers: { 'x-request-id': 'not a safe id!' } });
    expect(unsafe.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sends a CSP that admits Stripe.js and nothing else external', async () => {
    const res = await fetch(`${app.url}/portal/`);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self' https://js.stripe.com");
    expect(csp).toContain('frame-src');
    expect(csp).toContain("object-src 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('marks API responses uncacheable', async () => {
    expect((await agent.get('/api/app/session')).headers.get('cache-control')).toBe('no-store');
  });
});

describe('web apps', () => {
  it('serves index.html for client-side routes and caches hashed assets for a year', async () => {
    for (const [path, marker] of [['/portal/', 'portal shell'], ['/portal/invoices/123', 'portal shell'], ['/app/clients', 'app shell']]) {
      const res = await fetch(app.url + path);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain(marker);
    }
    const asset = await fetch(`${app.url}/app/assets/main-abc123.js`);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${app.url}/app/assets/missing.js`)).status).toBe(404);
  });

  it('redirects / to the client portal', async () => {
    const res = await fetch(`${app.url}/`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/portal/');
  });
});
