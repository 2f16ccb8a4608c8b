// The public payment link of an invoice: an unguessable token (256 bits) that pays that invoice and
// shows nothing else about the client. Looked up by its SHA-256; kept sealed so a technician can copy
// the same link again; revoking drops it (the next link is a new token). Gone for paid, void and
// zero-total invoices.
import type { AuditActor } from '../audit/record-audit';
import { recordAudit } from '../audit/record-audit';
import { hashToken, newToken } from '../auth/tokens';
import type { InstallationScope } from '../db/tenant-scope';
import { AppError } from '../http/app-error';
import type { AppContext } from '../http/context';
import type { InvoiceStatus } from '../invoices/invoice-view';

const TOKEN_PREFIX = 'pl_';

export interface LinkedInvoice {
  id: string;
  installation_id: string;
  client_id: string;
  number: string;
  currency: string;
  total: number;
  amount_remaining: number;
  status: InvoiceStatus;
  issued_at: string;
  due_date: string;
}

export const linkUrl = (ctx: AppContext, token: string): string => `${ctx.config.publicUrl}/portal/pay/${token}`;

/** The invoice's current link, issuing one if it has none. Refused for invoices nobody can pay. */
export async function paymentLinkFor(ctx: AppContext, scope: InstallationScope, invoiceId: string, actor: AuditActor): Promise<{ url: string }> {
  return scope.transaction(async (tx) => {
    const inv = (await tx.from('invoices').where({ id: invoiceId }).forUpdate().first('id', 'client_id', 'status', 'total', 'payment_link_token_enc', 'payment_link_version')) as
      | { id: string; client_id: string; status: InvoiceStatus; total: number; payment_link_token_enc: string | null; payment_link_version: number }
      | undefined;
    if (!inv) throw new AppError('INVOICE_NOT_FOUND');
    if (inv.status === 'void' || inv.status === 'paid' || inv.status === 'overpaid' || inv.total <= 0) {
      throw new AppError('INVOICE_NOT_PAYABLE', { message: 'Paid, void and zero-total invoices have no payment link.' });
    }
    if (inv.payment_link_token_enc) return { url: linkUrl(ctx, ctx.secrets.open(inv.payment_link_token_enc, `payment-link:${inv.id}`)) };
    const token = `${TOKEN_PREFIX}${newToken(32)}`;
    await tx.from('invoices').where({ id: inv.id }).update({
      payment_link_token_hash: hashToken(token),
      payment_link_token_enc: ctx.secrets.seal(token, `payment-link:${inv.id}`),
      payment_link_version: inv.payment_link_version + 1,
      payment_link_revoked_at: null,
    });
    await recordAudit(tx, { actor, action: 'payment_link.issued', subjectType: 'invoice', subjectId: inv.id, clientId: inv.client_id, details: { version: inv.payment_link_version + 1 } }, ctx.clock);
    return { url: linkUrl(ctx, token) };
  });
}

/** Kills the current link at once; the next request for a link issues a new token. */
export async function revokePaymentLink(ctx: AppContext, scope: InstallationScope, invoiceId: string, actor: AuditActor): Promise<void> {
  await scope.transaction(async (tx) => {
    const inv = (await tx.from('invoices').where({ id: invoiceId }).forUpdate().first('id', 'client_id', 'payment_link_version')) as { id: string; client_id: string; payment_link_version: number } | undefined;
    if (!inv) throw new AppError('INVOICE_NOT_FOUND');
    await tx.from('invoices').where({ id: inv.id }).update({ payment_link_token_hash: null, payment_link_token_enc: null, payment_link_revoked_at: ctx.clock.now() });
    await recordAudit(tx, { actor, action: 'payment_link.revoked', subjectType: 'invoice', subjectId: inv.id, clientId: inv.client_id, details: { version: inv.payment_link_version } }, ctx.clock);
  });
}

/** The invoice behind a token, or PAYMENT_LINK_INVALID (unknown, revoked, or nothing left to pay). */
export async function invoiceForToken(ctx: AppContext, token: string, options: { allowProcessing: boolean; allowSettled?: boolean }): Promise<LinkedInvoice> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 100) throw new AppError('PAYMENT_LINK_INVALID');
  const inv = (await ctx
    .db('invoices')
    .where({ payment_link_token_hash: hashToken(token) })
    .first('id', 'installation_id', 'client_id', 'number', 'currency', 'total', 'amount_remaining', 'status', 'issued_at', 'due_date')) as LinkedInvoice | undefined;
  if (!inv) throw new AppError('PAYMENT_LINK_INVALID');
  const payable = (inv.status === 'open' || inv.status === 'partially_paid') && inv.amount_remaining > 0;
  if (!payable && !options.allowSettled && !(options.allowProcessing && inv.status === 'processing')) throw new AppError('PAYMENT_LINK_INVALID');
  const client = (await ctx.db('installations as i').join('clients as c', 'c.installation_id', 'i.id').where({ 'c.id': inv.client_id, 'i.id': inv.installation_id }).first('i.status', 'c.mapping_status')) as { status: string; mapping_status: string } | undefined;
  if (!client || client.status !== 'active' || client.mapping_status !== 'mapped') throw new AppError('PAYMENT_LINK_INVALID');
  return inv;
}
