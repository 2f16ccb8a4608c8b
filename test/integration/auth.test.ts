import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../server/clock';
import { toCount } from '../../server/db/database';
import { makeClient, makeInstallation, makePortalUser, makeStaffUser } from '../support/factories';
import { Agent } from '../support/http-agent';
import { startTestApp, type TestApp } from '../support/test-app';

let app: TestApp;
let clock: ManualClock;
let installation: Awaited<ReturnType<typeof makeInstallation>>;
let tech: Awaited<ReturnType<typeof makeStaffUser>>;
let admin: Awaited<ReturnType<typeof makeStaffUser>>;

const count = async (table: string) => toCount(((await app.db.database.knex(table).count({ n: '*' }).first()) as { n: unknown }).n);

beforeAll(async () => {
  clock = new ManualClock('2026-11-23T15:00:00Z');
  app = await startTestApp({ clock });
  installation = await makeInstallation(app.db.database.knex);
  tech = await makeStaffUser(installation.scope, { role: 'technician' });
  admin = await makeStaffUser(installation.scope, { role: 'admin' });
});
afterAll(() => app?.close());

describe('staff sign-in', () => {
  it('signs in with the right password and returns the session view with a CSRF token', async () => {
    const agent = new Agent(app.url);
    const res = await agent.login('app', tech.email.toUpperCase(), tech.password);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ user: { email: tech.email, role: 'technician' }, installation: { id: installation.id } });
    expect(agent.cookie('settle_app_sid')).toBeTruthy();
    const setCookie = res.headers.getSetCookie().join(';');
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect((await agent.get('/api/app/session')).status).toBe(200);
  });

  it('refuses a wrong password and an unknown email with the same answer', async () => {
    const agent = new Agent(app.url);
    const wrong = await agent.login('app', admin.email, 'not the password');
    const unknown = await agent.login('app', 'nobody@nowhere.example', 'whatever');
    for (const res of [wrong, unknown]) {
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: { code: 'AUTH_INVALID_CREDENTIALS', message: 'The email or password is incorrect.' } });
    }
    expect(agent.cookie('settle_app_sid')).toBeUndefined();
  });

  it('rejects malformed credentials with field errors and writes nothing', async () => {
    const before = await count('login_attempts');
    const res = await new Agent(app.url).post('/api/app/login', { email: 'not-an-email', password: '', extra: 1 });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    const paths = res.body.error.fields.map((f: { path: string }) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['email', 'password', 'extra']));
    expect(await count('login_attempts')).toBe(before);
  });

  it('rate-limits an account after repeated failures, even with the right password, until the window passes', async () => {
    const victim = await makeStaffUser(installation.scope);
    const agent = new Agent(app.url);
    for (let i = 0; i < 5; i++) expect((await agent.login('app', victim.email, `guess ${i}`)).status).toBe(401);
    const blocked = await agent.login('app', victim.email, victim.password);
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('AUTH_RATE_LIMITED');
    expect(blocked.body.error.message).toMatch(/Try again in 15 minutes/);
    expect(Number(blocked.headers.get('retry-after'))).toBe(900);
    clock.advance(15 * 60_000 + 1000);
    expect((await agent.login('app', victim.email, victim.password)).status).toBe(200);
  });

  it('does not log passwords, session tokens or CSRF tokens', async () => {
    const agent = new Agent(app.url);
    const res = await agent.login('app', tech.email, tech.password);
    const logs = app.logs.join('\n');
    expect(logs).toContain('/api/app/login');
    expect(logs).not.toContain(tech.password);
    expect(logs).not.toContain(agent.cookie('settle_app_sid'));
    expect(logs).not.toContain(res.body.csrfToken);
  });
});

describe('sessions and CSRF', () => {
  it('refuses a state-changing request without the CSRF token and keeps the session', async () => {
    const agent = new Agent(app.url);
    await agent.login('app', tech.email, tech.password);
    const noToken = await agent.post('/api/app/logout', undefined, { csrf: false });
    expect(noToken.status).toBe(403);
    expect(noToken.body.error.code).toBe('AUTH_CSRF_FAILED');
    const badToken = await agent.post('/api/app/logout', undefined, { headers: { 'x-csrf-token': 'forged' } });
    expect(badToken.status).toBe(403);
    expect((await agent.get('/api/app/session')).status).toBe(200);
  });

  it('refuses cross-site writes by Origin before looking at credentials', async () => {
    const agent = new Agent(app.url);
    await agent.login('app', tech.email, tech.password);
    const res = await agent.post('/api/app/logout', undefined, { headers: { origin: 'https://evil.example' } });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('AUTH_CSRF_FAILED');
    const login = await new Agent(app.url).post('/api/app/login', { email: tech.email, password: tech.password }, { headers: { origin: 'https://evil.example' } });
    expect(login.status).toBe(403);
  });

  it('signs out: the session is deleted and the cookie no longer works', async () => {
    const agent = new Agent(app.url);
    await agent.login('app', tech.email, tech.password);
    const cookie = agent.cookie('settle_app_sid')!;
    expect((await agent.post('/api/app/logout')).status).toBe(204);
    const replay = await fetch(`${app.url}/api/app/session`, { headers: { cookie: `settle_app_sid=${cookie}` } });
    expect(replay.status).toBe(401);
    expect(await replay.json()).toEqual({ error: { code: 'AUTH_REQUIRED', message: 'Sign in to continue.' } });
  });

  it('expires an idle session and slides the expiry while in use', async () => {
    const agent = new Agent(app.url);
    await agent.login('app', tech.email, tech.password);
    clock.advance(45 * 60_000);
    expect((await agent.get('/api/app/session')).status).toBe(200); // slides to +60 min from now
    clock.advance(45 * 60_000);
    expect((await agent.get('/api/app/session')).status).toBe(200);
    clock.advance(61 * 60_000);
    expect((await agent.get('/api/app/session')).status).toBe(401);
  });

  it('ends a session at its absolute lifetime however active it is', async () => {
    const agent = new Agent(app.url);
    await agent.login('app', tech.email, tech.password);
    // Active every 55 minutes (never idle for 60), so only the 12-hour absolute limit can end it.
    for (let step = 1; step <= 13; step++) {
      clock.advance(55 * 60_000);
      expect((await agent.get('/api/app/session')).status, `after ${step * 55} minutes`).toBe(200);
    }
    clock.advance(55 * 60_000); // 14 × 55 min = 12 h 50 min
    expect((await agent.get('/api/app/session')).status).toBe(401);
  });

  it('keeps staff and portal sessions apart', async () => {
    const client = await makeClient(installation.scope);
    const contact = await makePortalUser(installation.scope, client.id);
    const agent = new Agent(app.url);
    expect((await agent.login('portal', contact.email, contact.password)).status).toBe(200);
    expect((await agent.get('/api/portal/session')).status).toBe(200);
    expect((await agent.get('/api/app/session')).status).toBe(401);
    expect((await agent.get('/api/app/clients')).status).toBe(401);
    // A staff member cannot use the portal sign-in, nor a contact the staff one.
    expect((await new Agent(app.url).login('portal', tech.email, tech.password)).status).toBe(401);
    expect((await new Agent(app.url).login('app', contact.email, contact.password)).status).toBe(401);
  });
});

describe('roles and PSA API keys', () => {
  it('forbids technicians from admin-only routes', async () => {
    const agent = new Agent(app.url);
    await agent.login('app', tech.email, tech.password);
    const res = await agent.post('/api/app/api-keys', { name: 'sneaky' });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('AUTH_FORBIDDEN');
    expect(await count('api_keys')).toBe(0);
  });

  it('shows a new key once, stores only its hash, authenticates the PSA, and stops working when revoked', async () => {
    const agent = new Agent(app.url);
    await agent.login('app', admin.email, admin.password);
    const created = await agent.post('/api/app/api-keys', { name: 'PSA sync' });
    expect(created.status).toBe(201);
    const secret: string = created.body.secret;
    expect(secret).toMatch(/^stk_[A-Za-z0-9]{8}_/);
    const listed = await agent.get('/api/app/api-keys');
    expect(JSON.stringify(listed.body)).not.toContain(secret);
    expect(listed.body.apiKeys[0]).toMatchObject({ name: 'PSA sync', prefix: created.body.apiKey.prefix, revokedAt: null });
    const stored = JSON.stringify(await app.db.database.knex('api_keys').select('*'));
    expect(stored).not.toContain(secret);

    const psa = await fetch(`${app.url}/api/psa/installation`, { headers: { authorization: `Bearer ${secret}` } });
    expect(psa.status).toBe(200);
    expect((await psa.json()).installation.id).toBe(installation.id);
    expect(app.logs.join('\n')).not.toContain(secret);

    expect((await agent.request('DELETE', `/api/app/api-keys/${created.body.apiKey.id}`)).status).toBe(204);
    const after = await fetch(`${app.url}/api/psa/installation`, { headers: { authorization: `Bearer ${secret}` } });
    expect(after.status).toBe(401);
    expect((await after.json()).error.code).toBe('AUTH_INVALID_API_KEY');
    const audit = await installation.scope.from('audit_log').whereIn('action', ['api_key.created', 'api_key.revoked']).select('action');
    expect(audit.map((a: { action: string }) => a.action).sort()).toEqual(['api_key.created', 'api_key.revoked']);
  });

  it('refuses missing and malformed API keys', async () => {
    for (const header of [undefined, 'Bearer nope', `Bearer stk_aaaaaaaa_${'x'.repeat(43)}`]) {
      const res = await fetch(`${app.url}/api/psa/installation`, { headers: header ? { authorization: header } : {} });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain('Bearer');
    }
  });
});
