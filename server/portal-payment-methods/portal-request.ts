// Who is acting in the portal and from where: the client scope every query goes through, the portal
// user (audit actor, consent and mandate records) and the request's IP, user agent and id.
import type { Request } from 'express';
import { actorOf, recordAudit, requestMeta } from '../audit/record-audit';
import { clientScopeOf, portalOf } from '../auth/require-auth';
import type { PortalPrincipal } from '../auth/principal';
import type { Clock } from '../clock';
import { InstallationScope, type ClientScope } from '../db/tenant-scope';
import type { AppContext } from '../http/context';

export interface PortalActor {
  principal: PortalPrincipal;
  ip: string | undefined;
  userAgent: string | undefined;
  requestId: string | undefined;
}

export function portalActorOf(req: Request): PortalActor {
  const meta = requestMeta(req);
  return { principal: portalOf(req), ip: meta.ip, userAgent: req.get('user-agent')?.slice(0, 500), requestId: meta.requestId };
}

export function portalScopeOf(ctx: AppContext, req: Request): { scope: ClientScope; actor: PortalActor } {
  return { scope: clientScopeOf(ctx, req), actor: portalActorOf(req) };
}

/** The installation-wide scope of a client scope (same connection or transaction). */
export function installationScopeOfClient(scope: ClientScope): InstallationScope {
  return new InstallationScope(scope.db, scope.installationId);
}

/** Appends an audit entry for a portal user's change. Call inside the change's transaction. */
export async function auditPortalChange(
  scope: ClientScope,
  actor: PortalActor,
  entry: { action: string; subjectType: string; subjectId: string; details?: Record<string, unknown> },
  clock: Clock,
): Promise<void> {
  await recordAudit(
    installationScopeOfClient(scope),
    {
      actor: actorOf(actor.principal),
      action: entry.action,
      subjectType: entry.subjectType,
      subjectId: entry.subjectId,
      clientId: scope.clientId,
      details: entry.details ?? {},
      ip: actor.ip,
      requestId: actor.requestId,
    },
    clock,
  );
}
