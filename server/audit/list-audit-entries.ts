// The audit log, read side: filtered by actor, action, client, subject and date range (MSP
// timezone), newest first, a page at a time with the total. Read-only; the table is append-only.
import { z } from 'zod';
import { toCount } from '../db/database';
import type { InstallationScope } from '../db/tenant-scope';
import { pageQuery } from '../http/params';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Use a date like 2026-12-01.');

export const auditListQuery = z
  .object({
    /** A staff user, portal user or API key id; `system` for Settle's own jobs. */
    actor: z.union([z.uuid(), z.literal('system')]).optional(),
    /** An exact action (`payment_method.removed`) or a family (`payment_method.*`). */
    action: z.string().regex(/^[a-z_]+(\.[a-z_]+)?(\.\*)?$/, 'An action like payment_method.removed or payment_method.*').max(100).optional(),
    clientId: z.uuid().optional(),
    from: day.optional(),
    to: day.optional(),
    ...pageQuery,
  })
  .strict();
export type AuditListQuery = z.infer<typeof auditListQuery>;

export interface AuditEntryView {
  id: string;
  at: string;
  action: string;
  actor: { type: string; id: string | null; label: string | null };
  subject: { type: string | null; id: string | null };
  client: { id: string; name: string } | null;
  details: Record<string, unknown>;
  ip: string | null;
}

export interface AuditListOptions extends Partial<Omit<AuditListQuery, 'page' | 'pageSize'>> {
  page: number;
  pageSize: number;
  /** Entries about any of these subjects (the invoice page's trail). */
  subjects?: Array<{ type: string; ids: string[] }>;
}

interface Row {
  id: number | string;
  at: Date;
  action: string;
  actor_type: string;
  actor_id: string | null;
  actor_label: string | null;
  subject_type: string | null;
  subject_id: string | null;
  client_id: string | null;
  client_name: string | null;
  details: Record<string, unknown> | string;
  ip: string | null;
  total: unknown;
}

export async function listAuditEntries(scope: InstallationScope, options: AuditListOptions): Promise<{ entries: AuditEntryView[]; page: number; pageSize: number; total: number }> {
  const db = scope.db;
  const q = scope
    .from('audit_log')
    .join('installations as i', 'i.id', 'audit_log.installation_id')
    .leftJoin('clients as c', (j) => j.on('c.installation_id', 'audit_log.installation_id').andOn('c.id', 'audit_log.client_id'));
  if (options.actor === 'system') q.where('audit_log.actor_type', 'system');
  else if (options.actor) q.where('audit_log.actor_id', options.actor);
  if (options.action?.endsWith('.*')) q.where('audit_log.action', 'like', `${options.action.slice(0, -2).replace(/_/g, '\\_')}.%`);
  else if (options.action) q.where('audit_log.action', options.action);
  if (options.clientId) q.where('audit_log.client_id', options.clientId);
  if (options.from) q.whereRaw('audit_log.at >= (?::date::timestamp at time zone i.timezone)', [options.from]);
  if (options.to) q.whereRaw('audit_log.at < ((?::date + 1)::timestamp at time zone i.timezone)', [options.to]);
  if (options.subjects) {
    const wanted = options.subjects.filter((s) => s.ids.length > 0);
    if (wanted.length === 0) return { entries: [], page: options.page, pageSize: options.pageSize, total: 0 };
    q.where((w) => {
      for (const s of wanted) void w.orWhere((o) => o.where('audit_log.subject_type', s.type).whereIn('audit_log.subject_id', s.ids));
    });
  }
  const rows = (await q
    .select(
      'audit_log.id', 'audit_log.at', 'audit_log.action', 'audit_log.actor_type', 'audit_log.actor_id', 'audit_log.actor_label',
      'audit_log.subject_type', 'audit_log.subject_id', 'audit_log.client_id', 'c.name as client_name', 'audit_log.details', 'audit_log.ip',
      db.raw('count(*) over () as total'),
    )
    .orderBy([{ column: 'audit_log.at', order: 'desc' }, { column: 'audit_log.id', order: 'desc' }])
    .limit(options.pageSize)
    .offset((options.page - 1) * options.pageSize)) as Row[];
  return {
    entries: rows.map((r) => ({
      id: String(r.id),
      at: r.at.toISOString(),
      action: r.action,
      actor: { type: r.actor_type, id: r.actor_id, label: r.actor_label },
      subject: { type: r.subject_type, id: r.subject_id },
      client: r.client_id ? { id: r.client_id, name: r.client_name ?? '' } : null,
      details: typeof r.details === 'string' ? (JSON.parse(r.details) as Record<string, unknown>) : r.details,
      ip: r.ip,
    })),
    page: options.page,
    pageSize: options.pageSize,
    total: rows[0] ? toCount(rows[0].total) : 0,
  };
}

/** What the filters offer: the actions recorded in this installation and who acted. Read-only. */
export async function auditFilterOptions(scope: InstallationScope): Promise<{ actions: string[]; actors: Array<{ id: string; type: string; label: string }> }> {
  const actions = (await scope.from('audit_log').distinct('action').orderBy('action').pluck('action')) as string[];
  const actors = (await scope
    .from('audit_log')
    .whereNotNull('actor_id')
    .whereIn('actor_type', ['staff', 'api_key'])
    .groupBy('actor_id', 'actor_type')
    .select('actor_id as id', 'actor_type as type', scope.db.raw('max(actor_label) as label'))
    .orderBy('label')) as Array<{ id: string; type: string; label: string }>;
  return { actions, actors };
}
