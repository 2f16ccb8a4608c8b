// The exceptions queue as technicians see it: each payment that waits for a person, why (in plain
// words), and the engine's suggestions ranked, with the client's name and each invoice's number and
// what is still open on it. Read-only.
import type { InstallationScope } from '../db/tenant-scope';
import { AppError } from '../http/app-error';
import type { StoredSuggestion } from './reconcile-payment';

export interface SuggestionView {
  index: number;
  clientId: string;
  clientName: string;
  score: number;
  invoices: Array<{ id: string; number: string; amountRemaining: number; dueDate: string }>;
  /** What applying it would allocate (the rest goes to credit). */
  total: number;
}

export interface ExceptionView {
  id: string;
  status: 'open' | 'resolved';
  reasonCode: string;
  reason: string;
  resolution: string | null;
  resolvedAt: string | null;
  createdAt: string;
  payment: {
    id: string;
    source: string;
    amount: number;
    currency: string;
    unapplied: number;
    reference: string | null;
    payerName: string | null;
    payerEmail: string | null;
    receivedAt: string | null;
    clientId: string | null;
    clientName: string | null;
  };
  suggestions: SuggestionView[];
}

interface Row {
  id: string;
  status: 'open' | 'resolved';
  reason_code: string;
  reason: string;
  resolution: string | null;
  resolved_at: Date | null;
  created_at: Date;
  suggestions: StoredSuggestion[] | string;
  payment_id: string;
  source: string;
  amount: number | string;
  currency: string;
  reference: string | null;
  payer_name: string | null;
  payer_email: string | null;
  received_at: Date | null;
  client_id: string | null;
  client_name: string | null;
  applied: number | string;
  credit: number | string;
  reversed: number | string;
}

function query(scope: InstallationScope) {
  return scope
    .from('reconciliation_exceptions')
    .join('payments as p', (j) => j.on('p.installation_id', 'reconciliation_exceptions.installation_id').andOn('p.id', 'reconciliation_exceptions.payment_id'))
    .leftJoin('clients as c', (j) => j.on('c.installation_id', 'p.installation_id').andOn('c.id', 'p.client_id'))
    .select(
      'reconciliation_exceptions.id', 'reconciliation_exceptions.status', 'reconciliation_exceptions.reason_code', 'reconciliation_exceptions.reason',
      'reconciliation_exceptions.resolution', 'reconciliation_exceptions.resolved_at', 'reconciliation_exceptions.created_at', 'reconciliation_exceptions.suggestions',
      'p.id as payment_id', 'p.source', 'p.amount', 'p.currency', 'p.reference', 'p.payer_name', 'p.payer_email', 'p.received_at', 'p.client_id', 'c.name as client_name',
      scope.db.raw("coalesce((select sum(a.amount) from allocations a where a.installation_id = p.installation_id and a.payment_id = p.id and a.state = 'applied'), 0) as applied"),
      scope.db.raw('coalesce((select sum(k.amount) from client_credits k where k.installation_id = p.installation_id and k.payment_id = p.id), 0) as credit'),
      scope.db.raw('coalesce((select sum(r.amount) from ledger_reversals r where r.installation_id = p.installation_id and r.payment_id = p.id and r.restored_at is null), 0) as reversed'),
    );
}

async function toViews(scope: InstallationScope, rows: Row[]): Promise<ExceptionView[]> {
  const parsed = rows.map((r) => ({ r, suggestions: (typeof r.suggestions === 'string' ? JSON.parse(r.suggestions) : r.suggestions) as StoredSuggestion[] }));
  const clientIds = [...new Set(parsed.flatMap((p) => p.suggestions.map((s) => s.client_id)))];
  const invoiceIds = [...new Set(parsed.flatMap((p) => p.suggestions.flatMap((s) => s.invoice_ids)))];
  const clients = new Map(
    clientIds.length ? ((await scope.from('clients').whereIn('id', clientIds).select('id', 'name')) as Array<{ id: string; name: string }>).map((c) => [c.id, c.name]) : [],
  );
  const invoices = new Map(
    invoiceIds.length
      ? ((await scope.from('invoices').whereIn('id', invoiceIds).select('id', 'number', 'amount_remaining', 'due_date')) as Array<{ id: string; number: string; amount_remaining: number | string; due_date: string }>).map((i) => [
          i.id,
          { id: i.id, number: i.number, amountRemaining: Number(i.amount_remaining), dueDate: String(i.due_date) },
        ])
      : [],
  );
  return parsed.map(({ r, suggestions }) => {
    const unapplied = Number(r.amount) - Number(r.applied) - Number(r.credit) - Number(r.reversed);
    return {
      id: r.id,
      status: r.status,
      reasonCode: r.reason_code,
      reason: r.reason,
      resolution: r.resolution,
      resolvedAt: r.resolved_at ? new Date(r.resolved_at).toISOString() : null,
      createdAt: new Date(r.created_at).toISOString(),
      payment: {
        id: r.payment_id,
        source: r.source,
        amount: Number(r.amount),
        currency: r.currency.trim(),
        unapplied: Math.max(unapplied, 0),
        reference: r.reference,
        payerName: r.payer_name,
        payerEmail: r.payer_email,
        receivedAt: r.received_at ? new Date(r.received_at).toISOString() : null,
        clientId: r.client_id,
        clientName: r.client_name,
      },
      suggestions: suggestions.map((s, index) => {
        const list = s.invoice_ids.flatMap((id) => (invoices.has(id) ? [invoices.get(id)!] : []));
        return { index, clientId: s.client_id, clientName: clients.get(s.client_id) ?? 'Unknown client', score: s.score, invoices: list, total: Math.min(list.reduce((t, i) => t + i.amountRemaining, 0), Math.max(unapplied, 0)) };
      }),
    };
  });
}

/** Open exceptions oldest first (or recently resolved ones, newest first). */
export async function listExceptions(scope: InstallationScope, status: 'open' | 'resolved'): Promise<ExceptionView[]> {
  const q = query(scope).where('reconciliation_exceptions.status', status).limit(200);
  q.orderBy('reconciliation_exceptions.created_at', status === 'open' ? 'asc' : 'desc').orderBy('reconciliation_exceptions.id');
  return toViews(scope, (await q) as Row[]);
}

export async function getException(scope: InstallationScope, id: string): Promise<ExceptionView> {
  const rows = (await query(scope).where('reconciliation_exceptions.id', id)) as Row[];
  if (rows.length === 0) throw new AppError('EXCEPTION_NOT_FOUND');
  return (await toViews(scope, rows))[0]!;
}
