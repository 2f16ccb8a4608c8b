// Secure setup links: a technician asks a client contact to add a card or bank account themselves
// (the preferred way — Settle never sees the details, and the client authorizes their own mandate).
// The link is a random token (only its SHA-256 is stored), works once, for 72 hours, for one client
// and one contact. Opening it signs the contact in to the portal exactly as an accepted invite does
// (same portal user, same session machinery) and lands on the portal's own "add a payment method"
// pages — nothing about adding a method is duplicated here.
import type { AuditActor } from '../audit/record-audit';
import { recordAudit } from '../audit/record-audit';
import { hashToken, newToken } from '../auth/tokens';
import type { Clock } from '../clock';
import type { DbOrTrx } from '../db/database';
import { InstallationScope } from '../db/tenant-scope';
import { renderEmail } from '../email/email-layout';
import { enqueueEmail } from '../email/enqueue-email';
import { AppError } from '../http/app-error';
import type { LinkedUser } from '../portal-access/portal-links';

export const SETUP_LINK_HOURS = 72;
const TOKEN = /^[A-Za-z0-9_-]{32,64}$/;

export interface SetupLinkView {
  url: string;
  expiresAt: string;
  contact: { id: string; name: string; email: string };
  /** Emailed to the contact (delivery `email`), or only shown to copy (`copy`). */
  emailed: boolean;
}

export interface CreateSetupLinkInput {
  contactId: string;
  delivery: 'email' | 'copy';
}

/**
 * Creates a link for one contact of a mapped client; emails it when asked. Not idempotent (each call
 * is a new link; earlier ones keep working until used or expired). Audited. Never reveals or
 * creates payment details, never touches Stripe.
 */
export async function createSetupLink(
  scope: InstallationScope,
  clientId: string,
  input: CreateSetupLinkInput,
  meta: { actor: AuditActor; userId: string; ip?: string | undefined; requestId?: string | undefined; publicUrl: string },
  clock: Clock,
): Promise<SetupLinkView> {
  return scope.transaction(async (tx) => {
    const client = (await tx.from('clients').where({ id: clientId }).first('id', 'name', 'stripe_customer_id')) as { id: string; name: string; stripe_customer_id: string | null } | undefined;
    if (!client) throw new AppError('CLIENT_NOT_FOUND');
    if (!client.stripe_customer_id) throw new AppError('CLIENT_NOT_MAPPED');
    const contact = (await tx.forClient(clientId).from('client_contacts').where({ id: input.contactId }).first('id', 'name', 'email')) as { id: string; name: string; email: string } | undefined;
    if (!contact) throw new AppError('CONTACT_NOT_FOUND');
    const token = newToken();
    const now = clock.now();
    const expiresAt = new Date(now.getTime() + SETUP_LINK_HOURS * 3_600_000);
    const [row] = (await tx.forClient(clientId).insert('setup_links', { contact_id: contact.id, token_hash: hashToken(token), expires_at: expiresAt, created_by: meta.userId, created_at: now }).returning('id')) as Array<{ id: string }>;
    const url = `${meta.publicUrl}/setup/${token}`;
    if (input.delivery === 'email') {
      const inst = (await tx.db('installations').where({ id: tx.installationId }).first('name')) as { name: string };
      const rendered = renderEmail({
        mspName: inst.name,
        preheader: `Add a card or bank account for ${client.name}'s invoices.`,
        heading: `Add a payment method for ${client.name}`,
        paragraphs: [
          `Hello ${contact.name},`,
          `${inst.name} asks you to add a card or bank account for ${client.name}, so invoices can be paid without paperwork. You enter the details yourself on a secure page; ${inst.name} never sees your full card or account number.`,
        ],
        action: { label: 'Add a payment method', url },
        footerNote: `This link works once and expires in ${SETUP_LINK_HOURS / 24} days. If you did not expect this email, you can ignore it.`,
      });
      await enqueueEmail(tx, { to: contact.email, subject: `${inst.name}: add a payment method for ${client.name}`.replace(/[\r\n]+/g, ' '), text: rendered.text, html: rendered.html, kind: 'transactional', dedupeKey: `setup-link:${row!.id}`, clientId }, clock);
    }
    await recordAudit(
      tx,
      { actor: meta.actor, action: input.delivery === 'email' ? 'setup_link.sent' : 'setup_link.created', subjectType: 'client', subjectId: clientId, clientId, details: { contact: contact.email, expiresAt: expiresAt.toISOString() }, ip: meta.ip, requestId: meta.requestId },
      clock,
    );
    return { url, expiresAt: expiresAt.toISOString(), contact, emailed: input.delivery === 'email' };
  });
}

interface LinkRow {
  id: string;
  installation_id: string;
  client_id: string;
  contact_id: string;
  expires_at: Date;
  used_at: Date | null;
  client_name: string;
  msp_name: string;
  contact_name: string;
  contact_email: string;
}

function findLink(db: DbOrTrx, token: string) {
  return db('setup_links as l')
    .join('clients as c', (j) => j.on('c.installation_id', 'l.installation_id').andOn('c.id', 'l.client_id'))
    .join('client_contacts as cc', (j) => j.on('cc.installation_id', 'l.installation_id').andOn('cc.id', 'l.contact_id'))
    .join('installations as i', 'i.id', 'l.installation_id')
    .where('l.token_hash', hashToken(token))
    .where('i.status', 'active')
    .first('l.id', 'l.installation_id', 'l.client_id', 'l.contact_id', 'l.expires_at', 'l.used_at', 'c.name as client_name', 'i.name as msp_name', 'cc.name as contact_name', 'cc.email as contact_email') as Promise<LinkRow | undefined>;
}

/** What the landing page says before the contact continues. Read-only; SETUP_LINK_INVALID otherwise. */
export async function describeSetupLink(db: DbOrTrx, token: string, clock: Clock): Promise<{ mspName: string; clientName: string; contactName: string }> {
  const link = TOKEN.test(token) ? await findLink(db, token) : undefined;
  if (!link || link.used_at || link.expires_at <= clock.now()) throw new AppError('SETUP_LINK_INVALID');
  return { mspName: link.msp_name, clientName: link.client_name, contactName: link.contact_name };
}

/**
 * Uses a link: marks it used (a conditional update, so two clicks cannot both use it) and returns
 * the contact's portal user — the existing one, or a new one without a password (they can choose one
 * later with "forgot password"). A revoked portal user stays revoked: the link is refused. Audited.
 */
export async function useSetupLink(db: DbOrTrx, token: string, meta: { ip?: string | undefined; requestId?: string | undefined }, clock: Clock): Promise<LinkedUser> {
  if (!TOKEN.test(token)) throw new AppError('SETUP_LINK_INVALID');
  return db.transaction(async (trx) => {
    const link = await findLink(trx, token);
    const now = clock.now();
    if (!link || link.used_at || link.expires_at <= now) throw new AppError('SETUP_LINK_INVALID');
    const used = await trx('setup_links').where({ id: link.id }).whereNull('used_at').update({ used_at: now });
    if (!used) throw new AppError('SETUP_LINK_INVALID');
    const scope = new InstallationScope(trx, link.installation_id);
    const client = scope.forClient(link.client_id);
    let user = (await client
      .from('portal_users')
      .where((w) => w.where('contact_id', link.contact_id).orWhereRaw('lower(email) = lower(?)', [link.contact_email]))
      .orderByRaw('disabled_at is null desc')
      .first('id', 'email', 'name', 'disabled_at')) as { id: string; email: string; name: string; disabled_at: Date | null } | undefined;
    if (user?.disabled_at) throw new AppError('SETUP_LINK_INVALID');
    if (!user) {
      const [created] = (await client.insert('portal_users', { contact_id: link.contact_id, email: link.contact_email, name: link.contact_name, created_at: now, updated_at: now }).returning(['id', 'email', 'name'])) as Array<{ id: string; email: string; name: string }>;
      user = { ...created!, disabled_at: null };
    }
    await recordAudit(scope, { actor: { type: 'portal', id: user.id, label: user.email }, action: 'setup_link.opened', subjectType: 'client', subjectId: link.client_id, clientId: link.client_id, ip: meta.ip, requestId: meta.requestId }, clock);
    return { id: user.id, installationId: link.installation_id, clientId: link.client_id, email: user.email, name: user.name };
  });
}
