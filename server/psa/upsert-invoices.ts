// Inbound sync of invoices from the PSA, up to 1,000 per batch, keyed by the PSA's ref.
//
// The ledger stays truthful: the PSA sets what it owns (number, client, total, dates, open/void) and
// never what Settle derives. amount_paid comes from allocations and is never written here; a new
// total recomputes amount_remaining and the status (a total below what was already paid makes the
// invoice overpaid). Refused per record, with a stable code:
// - voiding an invoice that has payments allocated (INVOICE_VOID_HAS_PAYMENTS): refund in Settle
//   first, then void — otherwise money would sit on an invoice that no longer exists;
// - voiding, or moving to another client, while a payment is in flight (INVOICE_PAYMENT_IN_PROGRESS);
// - moving an invoice with payments to another client (INVOICE_CLIENT_CHANGE_REFUSED);
// - a currency other than the installation's (CURRENCY_NOT_SUPPORTED; v1 bills in one currency).
// A void invoice sent as `open` is reopened.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { recordAudits, type AuditEntry } from '../audit/record-audit';
import type { Clock } from '../clock';
import type { InstallationScope } from '../db/tenant-scope';
import type { InvoiceStatus } from '../invoices/invoice-view';
import { deriveInvoiceBalance } from './invoice-balance';
import { queueWriteBacks } from '../ledger/queue-write-backs';
import { recomputeInvoices } from '../ledger/recompute-invoices';
import {
  bulkInsert,
  bulkUpdate,
  inBatchTransaction,
  isCalendarDate,
  parseRecords,
  summarize,
  type BatchMeta,
  type BatchResult,
  type RecordError,
  type RecordResult,
} from './psa-batch';

const date = z.string().refine(isCalendarDate, 'Use a calendar date, YYYY-MM-DD.');

export const psaInvoiceSchema = z
  .object({
    psaRef: z.string().trim().min(1, 'psaRef is required.').max(200),
    clientPsaRef: z.string().trim().min(1, 'clientPsaRef is required.').max(200),
    number: z.string().trim().min(1, 'number is required.').max(100),
    currency: z.string().regex(/^[A-Za-z]{3}$/, 'Use a 3-letter ISO 4217 code, e.g. USD.').transform((c) => c.toUpperCase()),
    total: z.number().int('total is an integer number of minor units (cents): 12345 for 123.45.').min(0).max(999_999_999_999),
    issuedAt: date,
    dueDate: date,
    status: z.enum(['open', 'void']),
  })
  .strict()
  .refine((v) => v.dueDate >= v.issuedAt, { path: ['dueDate'], message: 'dueDate is before issuedAt.' });

export type PsaInvoiceInput = z.infer<typeof psaInvoiceSchema>;

interface InvoiceRow {
  id: string;
  psa_ref: string;
  client_id: string;
  number: string;
  currency: string;
  total: number;
  amount_paid: number;
  amount_remaining: number;
  status: InvoiceStatus;
  issued_at: string;
  due_date: string;
  voided_at: Date | null;
  payment_link_revoked_at: Date | null;
}

const IN_FLIGHT_ATTEMPTS = ['pending', 'in_flight', 'unknown', 'processing'];

/**
 * Creates or updates the batch's invoices in one transaction, reporting each record as created,
 * updated, unchanged or error; a refused record does not stop the others. Idempotent: the same batch
 * again is all `unchanged` and writes nothing. Never writes amount_paid, never deletes an invoice,
 * never touches Stripe.
 */
export async function upsertInvoices(scope: InstallationScope, items: unknown[], meta: BatchMeta, clock: Clock): Promise<BatchResult> {
  const parsed = parseRecords(items, psaInvoiceSchema);
  const results: RecordResult[] = parsed.flatMap((p) => (p.ok ? [] : [{ index: p.index, psaRef: p.psaRef, status: 'error' as const, errors: p.errors }]));
  const valid = parsed.flatMap((p) => (p.ok ? [{ index: p.index, value: p.value }] : []));
  if (valid.length === 0) return summarize(results);

  const applied = await inBatchTransaction(scope, async (trx) => {
    const now = clock.now();
    const out: RecordResult[] = [];
    const inst = (await trx.db('installations').where({ id: trx.installationId }).first('currency')) as { currency: string };
    const currency = inst.currency.trim();
    const clients = (await trx
      .from('clients')
      .whereIn('psa_ref', [...new Set(valid.map((v) => v.value.clientPsaRef))])
      .select('id', 'psa_ref')) as Array<{ id: string; psa_ref: string }>;
    const clientByRef = new Map(clients.map((c) => [c.psa_ref, c.id]));
    const existing = (await trx
      .from('invoices')
      .whereIn('psa_ref', valid.map((v) => v.value.psaRef))
      .forUpdate()
      .select('id', 'psa_ref', 'client_id', 'number', 'currency', 'total', 'amount_paid', 'amount_remaining', 'status', 'issued_at', 'due_date', 'voided_at', 'payment_link_revoked_at')) as InvoiceRow[];
    const byRef = new Map(existing.map((i) => [i.psa_ref, i]));
    const ids = existing.map((i) => i.id);
    const allocated = new Set(
      ids.length ? ((await trx.from('allocations').whereIn('invoice_id', ids).whereNull('reversed_at').distinct('invoice_id').pluck('invoice_id')) as string[]) : [],
    );
    const inFlight = new Set(
      ids.length ? ((await trx.from('charge_attempts').whereIn('invoice_id', ids).whereIn('status', IN_FLIGHT_ATTEMPTS).distinct('invoice_id').pluck('invoice_id')) as string[]) : [],
    );

    const inserts: Array<Record<string, unknown>> = [];
    const updates: Array<Record<string, unknown>> = [];
    const audits: AuditEntry[] = [];
    const refuse = (index: number, psaRef: string, id: string | undefined, error: RecordError) =>
      out.push({ index, psaRef, status: 'error', ...(id ? { id } : {}), errors: [error] });

    for (const { index, value } of valid) {
      const have = byRef.get(value.psaRef);
      if (value.currency !== currency) {
        refuse(index, value.psaRef, have?.id, {
          path: 'currency',
          code: 'CURRENCY_NOT_SUPPORTED',
          message: `This installation bills in ${currency}; Settle v1 supports one currency per installation, so an invoice in ${value.currency} cannot be synced.`,
        });
        continue;
      }
      const clientId = clientByRef.get(value.clientPsaRef);
      if (!clientId) {
        refuse(index, value.psaRef, have?.id, { path: 'clientPsaRef', code: 'CLIENT_NOT_FOUND', message: `No client with psaRef ${value.clientPsaRef}; sync the client first.` });
        continue;
      }
      const wantVoid = value.status === 'void';
      if (!have) {
        const id = randomUUID();
        const balance = deriveInvoiceBalance(value.total, 0, wantVoid ? 'void' : null);
        inserts.push({
          id, client_id: clientId, psa_ref: value.psaRef, number: value.number, currency, total: value.total, amount_paid: 0,
          amount_remaining: balance.amountRemaining, status: balance.status, issued_at: value.issuedAt, due_date: value.dueDate,
          voided_at: wantVoid ? now : null, created_at: now, updated_at: now,
        });
        audits.push({ actor: meta.actor, action: 'invoice.created', subjectType: 'invoice', subjectId: id, clientId, details: { psaRef: value.psaRef, number: value.number, total: value.total, currency, status: balance.status }, ip: meta.ip, requestId: meta.requestId });
        out.push({ index, psaRef: value.psaRef, status: 'created', id });
        continue;
      }

      const hasPayments = allocated.has(have.id) || have.amount_paid > 0;
      const paymentInFlight = have.status === 'processing' || inFlight.has(have.id);
      const isVoid = have.status === 'void';
      if (wantVoid && !isVoid && hasPayments) {
        refuse(index, value.psaRef, have.id, {
          path: 'status',
          code: 'INVOICE_VOID_HAS_PAYMENTS',
          message: 'Payments are allocated to this invoice. Refund them (or move the allocations) in Settle first, then void it.',
        });
        continue;
      }
      if (wantVoid && !isVoid && paymentInFlight) {
        refuse(index, value.psaRef, have.id, { path: 'status', code: 'INVOICE_PAYMENT_IN_PROGRESS', message: 'A payment for this invoice is in progress; void it once the payment has settled or failed.' });
        continue;
      }
      if (clientId !== have.client_id && (hasPayments || paymentInFlight)) {
        refuse(index, value.psaRef, have.id, {
          path: 'clientPsaRef',
          code: hasPayments ? 'INVOICE_CLIENT_CHANGE_REFUSED' : 'INVOICE_PAYMENT_IN_PROGRESS',
          message: hasPayments ? 'This invoice has payments from its current client; it cannot move to another client.' : 'A payment for this invoice is in progress; it cannot move to another client now.',
        });
        continue;
      }

      const nextStatus: InvoiceStatus | null = wantVoid ? 'void' : isVoid ? null : have.status; // null: reopened, derive afresh
      const balance = deriveInvoiceBalance(value.total, have.amount_paid, nextStatus);
      const next = {
        client_id: clientId,
        number: value.number,
        total: value.total,
        amount_remaining: balance.amountRemaining,
        status: balance.status,
        issued_at: value.issuedAt,
        due_date: value.dueDate,
      };
      const changes: Record<string, { from: unknown; to: unknown }> = {};
      for (const [k, v] of Object.entries(next)) {
        const old = (have as unknown as Record<string, unknown>)[k];
        if (old !== v) changes[k] = { from: old, to: v };
      }
      if (Object.keys(changes).length === 0) {
        out.push({ index, psaRef: value.psaRef, status: 'unchanged', id: have.id });
        continue;
      }
      const voiding = wantVoid && !isVoid;
      updates.push({
        id: have.id,
        ...next,
        voided_at: wantVoid ? (have.voided_at ?? now) : null,
        payment_link_revoked_at: voiding ? (have.payment_link_revoked_at ?? now) : have.payment_link_revoked_at,
        updated_at: now,
      });
      const action = voiding ? 'invoice.voided' : isVoid && !wantVoid ? 'invoice.reopened' : 'invoice.updated';
      audits.push({ actor: meta.actor, action, subjectType: 'invoice', subjectId: have.id, clientId, details: { psaRef: value.psaRef, changes }, ip: meta.ip, requestId: meta.requestId });
      out.push({ index, psaRef: value.psaRef, status: 'updated', id: have.id });
    }

    await bulkInsert(trx, 'invoices', inserts);
    await bulkUpdate(
      trx,
      'invoices',
      {
        client_id: 'uuid', number: 'text', total: 'bigint', amount_remaining: 'bigint', status: 'text', issued_at: 'date', due_date: 'date',
        voided_at: 'timestamptz', payment_link_revoked_at: 'timestamptz', updated_at: 'timestamptz',
      },
      updates,
    );
    await recordAudits(trx, audits, clock);
    // Invoices with money on them: the ledger has the last word on their amounts and status (write-offs,
    // and an excess over a lowered total moved to the client's credit).
    const withMoney = updates.map((u) => u.id as string).filter((id) => allocated.has(id));
    const ledger = await recomputeInvoices(trx, withMoney, clock);
    await queueWriteBacks(trx, ledger.paymentsChanged, clock);
    return out;
  });
  return summarize([...results, ...applied]);
}
