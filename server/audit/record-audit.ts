import type { Request } from 'express';
import type { Clock } from '../clock';
import type { InstallationScope } from '../db/tenant-scope';
import type { Principal } from '../auth/principal';

export interface AuditActor {
  type: 'staff' | 'portal' | 'api_key' | 'psa' | 'system';
  id: string | null;
  label: string | null;
}

export interface AuditEntry {
  actor: AuditActor;
  action: string;
  subjectType?: string;
  subjectId?: string;
  clientId?: string | null;
  details?: Record<string, unknown>;
  ip?: string | undefined;
  requestId?: string | undefined;
}

export function actorOf(principal: Principal): AuditActor {
  switch (principal.kind) {
    case 'staff':
      return { type: 'staff', id: principal.userId, label: principal.email };
    case 'portal':
      return { type: 'portal', id: principal.userId, label: principal.email };
    case 'api_key':
      return { type: 'api_key', id: principal.apiKeyId, label: principal.name };
    default: {
      const never: never = principal;
      throw new Error(`unknown principal ${JSON.stringify(never)}`);
    }
  }
}

export function requestMeta(req: Request): { ip: string | undefined; requestId: string | undefined } {
  return { ip: req.ip, requestId: typeof req.id === 'string' ? req.id : undefined };
}

/** Appends one entry (the table refuses updates and deletes). Call inside the change's transaction. */
export async function recordAudit(scope: InstallationScope, entry: AuditEntry, clock: Clock): Promise<void> {
  await scope.insert('audit_log', auditRow(entry, clock));
}

/** Appends many entries in few statements (bulk sync). Call inside the changes' transaction. */
export async function recordAudits(scope: InstallationScope, entries: readonly AuditEntry[], clock: Clock): Promise<void> {
  for (let i = 0; i < entries.length; i += 500) {
    await scope.insert('audit_log', entries.slice(i, i + 500).map((e) => auditRow(e, clock)));
  }
}

function auditRow(entry: AuditEntry, clock: Clock): Record<string, unknown> {
  return {
    actor_type: entry.actor.type,
    actor_id: entry.actor.id,
    actor_label: entry.actor.label,
    action: entry.action,
    subject_type: entry.subjectType ?? null,
    subject_id: entry.subjectId ?? null,
    client_id: entry.clientId ?? null,
    details: JSON.stringify(entry.details ?? {}),
    ip: entry.ip ?? null,
    request_id: entry.requestId ?? null,
    at: clock.now(),
  };
}
