// Portal access end to end over HTTP: technicians invite, resend and revoke; clients accept invites
// and reset passwords through single-use links; every link is a random token stored only as its
// SHA-256; emails land in the outbox (kind 'email') in the same transaction as the change.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hashToken } from '../../server/auth/tokens';
import { ManualClock } from '../../server/clock';
import { toCount } from '../../server/db/database';
import { makeClient, makeInstallation, makePortalUser, makeStaffUser } from '../support/factories';
import { Agent } from '../support/http-agent';
import { startTestApp, type TestApp } from '../support/test-app';

let app: TestApp;
let clock: ManualClock;
let installation: Awaited<ReturnType<typeof makeInstallation>>;
let tech: Awaited<ReturnType<typeof makeStaffUser>>;
let staff: Agent;

const db = () => app.db.database.knex;
const NEW_PASSWORD = 'a brand new password';

interface EmailRow {
  id: string;
  dedupe_key: string;
  status: string;
  payload: { to: string; subject: string; text: string; html: string; kind: string; clientId: string | null };
}

async function emailsTo(to: string): Promise<EmailRow[]> {
  const rows = (await db()('outbox').where({ kind: 'email' }).orderBy('created_at').orderBy('id').select('id', 'dedupe_key', 'status', 'payload')) as EmailRow[];
  return rows.filter((r) => r.payload.to === to);
}

/**
 * The token of the live link emailed to `to` (/portal/invite/… or /portal/reset-password/…): of the
 * links in their emails, the one whose SHA-256 is stored now (the test clock stands still, so
 * emails cannot be told apart by time).
 */
async function latestLinkToken(to: string, kind: 'invite' | 'reset-password'): Promise<string> {
  const tokens = (await emailsTo(to)).flatMap((e) => [...e.payload.text.matchAll(new RegExp(`/portal/${kind}/([A-Za-z0-9_-]+)`, 'g'))].map((m) => m[1]!));
  const column = kind === 'invite' ? 'invite_token_hash' : 'reset_token_hash';
  const stored = (await db()('portal_users').whereRaw('lower(email) = ?', [to.toLowerCase()]).first(column)) as Record<string, string | null> | undefined;
  const live = tokens.find((t) => hashToken(t) === stored?.[column]);
  if (!live) throw new Error(`no live ${kind} link among ${tokens.length} emailed to ${to}`);
  return live;
}

const emailCount = async () => toCount(((await db()('outbox').where({ kind: 'email' }).count({ n: '*' }).first()) as { n: unknown }).n);

async function makeContact(clientId: string, name: string) {
  const email = `${name.toLowerCase().replace(/\W+/g, '.')}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@client.example`;
  const [row] = (await installation.scope.forClient(clientId).insert('client_contacts', { name, email }).returning('id')) as Array<{ id: string }>;
  return { id: row!.id, email, name };
}

async function inviteAndAccept(clientId: string, name: string) {
  const contact = await makeContact(clientId, name);
  const invited = await staff.post(`/api/app/clients/${clientId}/portal-users`, { contactId: contact.id });
  expect(invited.status).toBe(201);
  const token = await latestLinkToken(contact.email, 'invite');
  const client = new Agent(app.url);
  const accepted = await client.post(`/api/portal/invites/${token}/accept`, { password: NEW_PASSWORD });
  expect(accepted.status).toBe(200);
  client.csrfToken = accepted.body.csrfToken;
  return { contact, portalUserId: invited.body.portalUser.id as string, client, token };
}

beforeAll(async () => {
  clock = new ManualClock('2026-11-23T15:00:00Z');
  app = await startTestApp({ clock });
  installation = await makeInstallation(db(), { name: 'Northwind IT' });
  tech = await makeStaffUser(installation.scope, { role: 'technician' });
  staff = new Agent(app.url);
  expect((await staff.login('app', tech.email, tech.password)).status).toBe(200);
});
afterAll(() => app?.close());
// Tests that move the clock by days end the technician's session; each test starts signed in.
beforeEach(async () => {
  if ((await staff.get('/api/app/session')).status !== 200) expect((await staff.login('app', tech.email, tech.password)).status).toBe(200);
});

describe('invites', () => {
  it('a technician invites a contact; the client opens the link, sets a password and is signed in', async () => {
    const client = await makeClient(installation.scope, { name: 'Contoso Dental' });
    const contact = await makeContact(client.id, 'Dana Scully');

    const invited = await staff.post(`/api/app/clients/${client.id}/portal-users`, { email: contact.email, name: 'Dana Scully' });
    expect(invited.status).toBe(201);
    expect(invited.body.portalUser).toMatchObject({ email: contact.email, name: 'Dana Scully', contactId: contact.id, status: 'invited', invitedBy: tech.email.replace(/^/, 'Staff ') });
    expect(invited.body.portalUser.inviteExpiresAt).toBe('2026-11-30T15:00:00.000Z');

    const [email] = await emailsTo(contact.email);
    expect(email).toMatchObject({ status: 'pending', payload: { kind: 'transactional', clientId: client.id } });
    expect(email!.payload.subject).toContain('Northwind IT');
    expect(email!.payload.text).toContain(`${app.url.replace(/:\d+$/, ':3000')}/portal/invite/`); // PUBLIC_URL
    const token = await latestLinkToken(contact.email, 'invite');

    const opened = await new Agent(app.url).get(`/api/portal/invites/${token}`);
    expect(opened.status).toBe(200);
    expect(opened.body).toEqual({ email: contact.email, name: 'Dana Scully', clientName: 'Contoso Dental', mspName: 'Northwind IT', expiresAt: '2026-11-30T15:00:00.000Z' });

    const browser = new Agent(app.url);
    const short = await browser.post(`/api/portal/invites/${token}/accept`, { password: 'short' });
    expect(short.status).toBe(400);
    expect(short.body.error.fields).toEqual([{ path: 'password', message: 'Use at least 10 characters.' }]);

    const accepted = await browser.post(`/api/portal/invites/${token}/accept`, { password: NEW_PASSWORD, name: 'Dana K. Scully' });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ user: { email: contact.email, name: 'Dana K. Scully' }, client: { id: client.id, name: 'Contoso Dental' }, msp: { name: 'Northwind IT' } });
    expect(browser.cookie('settle_portal_sid')).toBeTruthy();
    expect(accepted.headers.getSetCookie().join(';')).toMatch(/HttpOnly/i);
    expect((await browser.get('/api/portal/invoices')).status).toBe(200);

    // Single use: the link is dead now, and the password works at the sign-in form.
    expect((await new Agent(app.url).get(`/api/portal/invites/${token}`)).body.error.code).toBe('INVITE_INVALID');
    expect((await new Agent(app.url).post(`/api/portal/invites/${token}/accept`, { password: 'another password' })).status).toBe(404);
    expect((await new Agent(app.url).login('portal', contact.email, NEW_PASSWORD)).status).toBe(200);

    const listed = await staff.get(`/api/app/clients/${client.id}/portal-users`);
    expect(listed.body.portalUsers).toMatchObject([{ id: invited.body.portalUser.id, status: 'active', inviteExpiresAt: null }]);
    expect(listed.body.portalUsers[0].lastLoginAt).not.toBeNull();
    const detail = await staff.get(`/api/app/clients/${client.id}`);
    expect(detail.body.client.contacts).toContainEqual(expect.objectContaining({ id: contact.id, portalAccess: 'active' }));

    const audit = (await installation.scope.from('audit_log').where({ subject_id: invited.body.portalUser.id }).orderBy('id').pluck('action')) as string[];
    expect(audit).toEqual(['portal_user.invited', 'portal_user.invite_accepted']);
    const logins = await installation.scope.from('audit_log').where({ action: 'auth.login', actor_id: invited.body.portalUser.id }).count({ n: '*' }).first();
    expect(toCount((logins as { n: unknown }).n)).toBeGreaterThanOrEqual(1);
  });

  it('stores invite and reset tokens only as SHA-256 and never logs them', async () => {
    const client = await makeClient(installation.scope);
    const { contact, portalUserId, token } = await inviteAndAccept(client.id, 'Fox Mulder');
    expect((await new Agent(app.url).post('/api/portal/password-reset', { email: contact.email })).status).toBe(202);
    const resetToken = await latestLinkToken(contact.email, 'reset-password');
    const row = (await db()('portal_users').where({ id: portalUserId }).first()) as Record<string, unknown>;
    expect(row.reset_token_hash).toBe(hashToken(resetToken));
    const everywhere = JSON.stringify([row, await db()('audit_log').select('*'), await db()('sessions').select('*'), await db()('rate_limits').select('*')]);
    for (const t of [token, resetToken]) expect(everywhere).not.toContain(t);
    const logs = app.logs.join('\n');
    expect(logs).toContain('/api/portal/invites/[token]/accept');
    for (const t of [token, resetToken]) expect(logs).not.toContain(t);
  });

  it('answers 410 INVITE_EXPIRED after 7 days, and a resend makes a fresh link', async () => {
    const client = await makeClient(installation.scope);
    const contact = await makeContact(client.id, 'Walter Skinner');
    const invited = await staff.post(`/api/app/clients/${client.id}/portal-users`, { contactId: contact.id });
    const token = await latestLinkToken(contact.email, 'invite');
    clock.advance(7 * 86_400_000 + 1000);
    try {
      expect((await staff.login('app', tech.email, tech.password)).status).toBe(200);
      const opened = await new Agent(app.url).get(`/api/portal/invites/${token}`);
      expect(opened.status).toBe(410);
      expect(opened.body.error.code).toBe('INVITE_EXPIRED');
      expect((await new Agent(app.url).post(`/api/portal/invites/${token}/accept`, { password: NEW_PASSWORD })).status).toBe(410);
      const listed = await staff.get(`/api/app/clients/${client.id}/portal-users`);
      expect(listed.body.portalUsers[0]).toMatchObject({ id: invited.body.portalUser.id, status: 'invite_expired' });

      const resent = await staff.post(`/api/app/clients/${client.id}/portal-users/${invited.body.portalUser.id}/resend`);
      expect(resent.status).toBe(200);
      expect(resent.body.portalUser.status).toBe('invited');
      const fresh = await latestLinkToken(contact.email, 'invite');
      expect(fresh).not.toBe(token);
      expect((await new Agent(app.url).get(`/api/portal/invites/${fresh}`)).status).toBe(200);
    } finally {
      clock.set('2026-11-23T15:00:00Z');
    }
  });

  it('resend kills the old link: it answers INVITE_INVALID while the new one works', async () => {
    const client = await makeClient(installation.scope);
    const contact = await makeContact(client.id, 'Monica Reyes');
    const invited = await staff.post(`/api/app/clients/${client.id}/portal-users`, { contactId: contact.id });
    const first = await latestLinkToken(contact.email, 'invite');
    const resent = await staff.post(`/api/app/clients/${client.id}/portal-users/${invited.body.portalUser.id}/resend`);
    expect(resent.status).toBe(200);
    const second = await latestLinkToken(contact.email, 'invite');
    expect(second).not.toBe(first);
    expect(await emailsTo(contact.email)).toHaveLength(2);

    const old = await new Agent(app.url).post(`/api/portal/invites/${first}/accept`, { password: NEW_PASSWORD });
    expect(old.status).toBe(404);
    expect(old.body.error.code).toBe('INVITE_INVALID');
    expect((await new Agent(app.url).post(`/api/portal/invites/${second}/accept`, { password: NEW_PASSWORD })).status).toBe(200);

    // Once they have a password, "resend" is refused: they use "Forgot password?".
    const again = await staff.post(`/api/app/clients/${client.id}/portal-users/${invited.body.portalUser.id}/resend`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('PORTAL_USER_EXISTS');
    const audit = (await installation.scope.from('audit_log').where({ subject_id: invited.body.portalUser.id }).orderBy('id').pluck('action')) as string[];
    expect(audit).toEqual(['portal_user.invited', 'portal_user.invite_resent', 'portal_user.invite_accepted']);
  });

  it('refuses a second invite for an email that already has access, and unknown contacts', async () => {
    const client = await makeClient(installation.scope);
    const { contact } = await inviteAndAccept(client.id, 'John Doggett');
    const dup = await staff.post(`/api/app/clients/${client.id}/portal-users`, { email: contact.email.toUpperCase(), name: 'John' });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('PORTAL_USER_EXISTS');
    const other = await makeClient(installation.scope);
    expect((await staff.post(`/api/app/clients/${other.id}/portal-users`, { email: contact.email, name: 'John' })).status).toBe(409);

    const strangerContact = await makeContact(other.id, 'Not Theirs');
    const wrongContact = await staff.post(`/api/app/clients/${client.id}/portal-users`, { contactId: strangerContact.id });
    expect(wrongContact.status).toBe(400);
    expect(wrongContact.body.error.fields).toEqual([{ path: 'contactId', message: 'Choose one of this client’s contacts.' }]);
    const missing = await staff.post(`/api/app/clients/${client.id}/portal-users`, {});
    expect(missing.status).toBe(400);
    expect(missing.body.error.fields.map((f: { path: string }) => f.path)).toEqual(['email', 'name']);
  });

  it('keeps installations apart: another MSP’s technician cannot see or change these portal users', async () => {
    const client = await makeClient(installation.scope);
    const { portalUserId } = await inviteAndAccept(client.id, 'Alex Krycek');
    const otherMsp = await makeInstallation(db());
    const otherTech = await makeStaffUser(otherMsp.scope);
    const intruder = new Agent(app.url);
    await intruder.login('app', otherTech.email, otherTech.password);
    expect((await intruder.get(`/api/app/clients/${client.id}/portal-users`)).body.error.code).toBe('CLIENT_NOT_FOUND');
    expect((await intruder.request('DELETE', `/api/app/clients/${client.id}/portal-users/${portalUserId}`)).status).toBe(404);
    expect((await intruder.post(`/api/app/clients/${client.id}/portal-users/${portalUserId}/resend`)).status).toBe(404);
    expect(((await db()('portal_users').where({ id: portalUserId }).first()) as { disabled_at: Date | null }).disabled_at).toBeNull();
  });
});

describe('revoking', () => {
  it('ends the person’s sessions at once, stops sign-in and kills their links; idempotent', async () => {
    const client = await makeClient(installation.scope);
    const { contact, portalUserId, client: browser } = await inviteAndAccept(client.id, 'Jeffrey Spender');
    const second = new Agent(app.url);
    expect((await second.login('portal', contact.email, NEW_PASSWORD)).status).toBe(200);
    expect((await new Agent(app.url).post('/api/portal/password-reset', { email: contact.email })).status).toBe(202);
    const resetToken = await latestLinkToken(contact.email, 'reset-password');

    const revoked = await staff.request('DELETE', `/api/app/clients/${client.id}/portal-users/${portalUserId}`);
    expect(revoked.status).toBe(204);
    expect((await browser.get('/api/portal/session')).status).toBe(401);
    expect((await second.get('/api/portal/invoices')).status).toBe(401);
    expect(toCount(((await db()('sessions').where({ portal_user_id: portalUserId }).count({ n: '*' }).first()) as { n: unknown }).n)).toBe(0);
    expect((await new Agent(app.url).login('portal', contact.email, NEW_PASSWORD)).status).toBe(401);
    expect((await new Agent(app.url).post(`/api/portal/password-reset/${resetToken}`, { password: 'yet another password' })).body.error.code).toBe('PASSWORD_RESET_INVALID');

    expect((await staff.request('DELETE', `/api/app/clients/${client.id}/portal-users/${portalUserId}`)).status).toBe(204);
    const listed = await staff.get(`/api/app/clients/${client.id}/portal-users`);
    expect(listed.body.portalUsers[0]).toMatchObject({ id: portalUserId, status: 'revoked' });
    const audit = (await installation.scope.from('audit_log').where({ subject_id: portalUserId, action: 'portal_user.revoked' }).select('details')) as Array<{ details: { sessionsEnded: number } }>;
    expect(audit).toHaveLength(1);
    expect(audit[0]!.details.sessionsEnded).toBe(2);

    // Inviting them again brings them back as newly invited, without the old password.
    const again = await staff.post(`/api/app/clients/${client.id}/portal-users`, { contactId: contact.id });
    expect(again.status).toBe(201);
    expect(again.body.portalUser).toMatchObject({ id: portalUserId, status: 'invited', revokedAt: null });
    expect((await new Agent(app.url).login('portal', contact.email, NEW_PASSWORD)).status).toBe(401);
  });

  it('answers PORTAL_USER_NOT_FOUND for someone of another client', async () => {
    const a = await makeClient(installation.scope);
    const b = await makeClient(installation.scope);
    const { portalUserId } = await inviteAndAccept(a.id, 'Gibson Praise');
    const res = await staff.request('DELETE', `/api/app/clients/${b.id}/portal-users/${portalUserId}`);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('PORTAL_USER_NOT_FOUND');
  });
});

describe('password reset', () => {
  it('emails a single-use link; using it sets the password, ends other sessions and signs in', async () => {
    const client = await makeClient(installation.scope);
    const { contact, client: oldSession, portalUserId } = await inviteAndAccept(client.id, 'Melissa Scully');
    const res = await new Agent(app.url).post('/api/portal/password-reset', { email: ` ${contact.email.toUpperCase()} `.trim() });
    expect(res.status).toBe(202);
    const resetEmail = (await emailsTo(contact.email)).find((e) => e.dedupe_key.startsWith('portal-reset:'));
    expect(resetEmail!.payload.subject).toBe('Reset your Northwind IT portal password');
    expect(resetEmail!.payload.text).toContain('expires in 1 hour');
    const token = await latestLinkToken(contact.email, 'reset-password');

    const browser = new Agent(app.url);
    const done = await browser.post(`/api/portal/password-reset/${token}`, { password: 'the newest password' });
    expect(done.status).toBe(200);
    expect(done.body.user.email).toBe(contact.email);
    expect((await browser.get('/api/portal/invoices')).status).toBe(200);
    expect((await oldSession.get('/api/portal/session')).status).toBe(401);
    expect((await new Agent(app.url).login('portal', contact.email, NEW_PASSWORD)).status).toBe(401);
    expect((await new Agent(app.url).login('portal', contact.email, 'the newest password')).status).toBe(200);

    const reused = await new Agent(app.url).post(`/api/portal/password-reset/${token}`, { password: 'sneaky other password' });
    expect(reused.status).toBe(400);
    expect(reused.body.error.code).toBe('PASSWORD_RESET_INVALID');
    const audit = (await installation.scope.from('audit_log').where({ subject_id: portalUserId }).orderBy('id').pluck('action')) as string[];
    expect(audit.slice(-2)).toEqual(['portal_user.password_reset_requested', 'portal_user.password_reset']);
  });

  it('expires the link after 1 hour, and a newer request replaces an older link', async () => {
    const client = await makeClient(installation.scope);
    const { contact } = await inviteAndAccept(client.id, 'Marita Covarrubias');
    await new Agent(app.url).post('/api/portal/password-reset', { email: contact.email });
    const first = await latestLinkToken(contact.email, 'reset-password');
    await new Agent(app.url).post('/api/portal/password-reset', { email: contact.email });
    const second = await latestLinkToken(contact.email, 'reset-password');
    expect(second).not.toBe(first);
    expect((await new Agent(app.url).post(`/api/portal/password-reset/${first}`, { password: 'replaced link pw' })).status).toBe(400);

    clock.advance(60 * 60_000 + 1000);
    try {
      const late = await new Agent(app.url).post(`/api/portal/password-reset/${second}`, { password: 'too late password' });
      expect(late.status).toBe(400);
      expect(late.body.error.code).toBe('PASSWORD_RESET_INVALID');
      expect((await new Agent(app.url).login('portal', contact.email, NEW_PASSWORD)).status).toBe(200);
    } finally {
      clock.set('2026-11-23T15:00:00Z');
    }
  });

  it('answers 202 for an unknown email and sends nothing', async () => {
    const before = await emailCount();
    const res = await new Agent(app.url).post('/api/portal/password-reset', { email: 'nobody-here@nowhere.example' });
    expect(res.status).toBe(202);
    expect(res.body.message).toMatch(/If an account uses this email/);
    expect(await emailCount()).toBe(before);
    // Invited-but-not-accepted people have no password to reset either.
    const client = await makeClient(installation.scope);
    const contact = await makeContact(client.id, 'Only Invited');
    await staff.post(`/api/app/clients/${client.id}/portal-users`, { contactId: contact.id });
    const after = await emailCount();
    expect((await new Agent(app.url).post('/api/portal/password-reset', { email: contact.email })).status).toBe(202);
    expect(await emailCount()).toBe(after);
  });

  it('throttles requests per email like sign-in (429 with Retry-After), whether or not the email exists', async () => {
    for (const email of ['throttle-me@nowhere.example', (await makePortalUser(installation.scope, (await makeClient(installation.scope)).id)).email]) {
      for (let i = 0; i < 5; i++) expect((await new Agent(app.url).post('/api/portal/password-reset', { email }, { headers: { 'x-forwarded-for': '203.0.113.9' } })).status).toBe(202);
      const blocked = await new Agent(app.url).post('/api/portal/password-reset', { email });
      expect(blocked.status).toBe(429);
      expect(blocked.body.error.code).toBe('RATE_LIMITED');
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    }
  });
});

describe('demo mailbox', () => {
  it('lists the installation’s latest emails for staff, and only theirs', async () => {
    const client = await makeClient(installation.scope);
    const contact = await makeContact(client.id, 'Mailbox Reader');
    await staff.post(`/api/app/clients/${client.id}/portal-users`, { contactId: contact.id });
    const admin = await makeStaffUser(installation.scope, { role: 'admin' });
    const adminAgent = new Agent(app.url);
    await adminAgent.login('app', admin.email, admin.password);
    const res = await adminAgent.get('/api/app/mailbox');
    expect(res.status).toBe(200);
    expect(res.body.smtpConfigured).toBe(false);
    expect(res.body.emails.length).toBeLessThanOrEqual(50);
    const times = res.body.emails.map((e: { createdAt: string }) => e.createdAt);
    expect(times).toEqual([...times].sort().reverse());
    const mine = res.body.emails.find((e: { to: string }) => e.to === contact.email);
    expect(mine).toMatchObject({ to: contact.email, kind: 'transactional', status: 'pending', subject: 'Northwind IT invited you to pay invoices online' });
    expect(mine.html).toContain('<!doctype html>');
    expect(mine.text).toContain('/portal/invite/');

    const otherMsp = await makeInstallation(db());
    const otherAdmin = await makeStaffUser(otherMsp.scope, { role: 'admin' });
    const other = new Agent(app.url);
    await other.login('app', otherAdmin.email, otherAdmin.password);
    expect((await other.get('/api/app/mailbox')).body.emails).toEqual([]);
    // Outside demo mode the mailbox holds live links: admins only.
    expect((await staff.get('/api/app/mailbox')).status).toBe(403);
  });
});
