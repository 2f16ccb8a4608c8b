// The one way a client's mapping changes: a conditional update (it applies only if the client is
// still as the caller saw it, so two admins can't both change it), plus an audit entry with the
// before and after. The database's unique index (installation, stripe_customer_id) refuses one
// customer for two clients; that refusal becomes MAPPING_CUSTOMER_TAKEN.
import type { AuditActor } from '../audit/record-audit';
import { recordAudit } from '../audit/record-audit';
import type { Clock } from '../clock';
import type { InstallationScope } from '../db/tenant-scope';
import { AppError } from '../http/app-error';
import { isUniqueViolation } from './stripe-call';
import { stripeDashboardCustomerUrl } from './stripe-dashboard-url';

export type MappingStatus = 'unmapped' | 'mapped' | 'ignored';
export type MappingSource = 'suggestion' | 'manual' | 'created';

export interface ClientMappingRow {
  id: string;
  name: string;
  email: string | null;
  psa_ref: string;
  mapping_status: MappingStatus;
  stripe_customer_id: string | null;
  mapping_source: string | null;
}

export interface ClientMappingView {
  id: string;
  name: string;
  mappingStatus: MappingStatus;
  mappingSource: string | null;
  stripeCustomerId: string | null;
  stripeDashboardUrl: string | null;
}

export interface ChangeMeta {
  actor: AuditActor;
  ip?: string | undefined;
  requestId?: string | undefined;
}

const COLUMNS = ['id', 'name', 'email', 'psa_ref', 'mapping_status', 'stripe_customer_id', 'mapping_source'];

export async function loadClientForMapping(scope: InstallationScope, clientId: string): Promise<ClientMappingRow> {
  const row = (await scope.from('clients').where('clients.id', clientId).first(COLUMNS)) as ClientMappingRow | undefined;
  if (!row) throw new AppError('CLIENT_NOT_FOUND');
  return row;
}

/** Whether the installation's Stripe connection is live (dashboard links differ); false when unknown. */
export async function connectionLivemode(scope: InstallationScope): Promise<boolean> {
  const row = (await scope.from('stripe_connections').whereNot('status', 'disconnected').first('livemode')) as { livemode: boolean } | undefined;
  return row?.livemode ?? false;
}

export function toMappingView(row: ClientMappingRow, livemode: boolean): ClientMappingView {
  return {
    id: row.id,
    name: row.name,
    mappingStatus: row.mapping_status,
    mappingSource: row.mapping_source,
    stripeCustomerId: row.stripe_customer_id,
    stripeDashboardUrl: row.stripe_customer_id ? stripeDashboardCustomerUrl(row.stripe_customer_id, livemode) : null,
  };
}

/** Refuses early (before any Stripe call) when another client of the installation has the customer. */
export async function assertCustomerFree(scope: InstallationScope, customerId: string, clientId: string): Promise<void> {
  const other = (await scope.from('clients').where({ stripe_customer_id: customerId }).whereNot('clients.id', clientId).first('id')) as { id: string } | undefined;
  if (other) throw new AppError('MAPPING_CUSTOMER_TAKEN');
}

/**
 * Moves `client` (as read by the caller) to the new state. Throws MAPPING_CONFLICT if it changed
 * since it was read and MAPPING_CUSTOMER_TAKEN if the customer is mapped to another client. Call
 * inside a transaction (the audit entry is written with the change).
 */
export async function applyMappingChange(
  scope: InstallationScope,
  client: ClientMappingRow,
  next: { status: MappingStatus; customerId: string | null; source: MappingSource | null },
  audit: ChangeMeta & { action: string; details?: Record<string, unknown> },
  clock: Clock,
): Promise<ClientMappingRow> {
  let updated: ClientMappingRow[];
  try {
    updated = (await scope
      .from('clients')
      .where('clients.id', client.id)
      .where('mapping_status', client.mapping_status)
      .whereRaw('stripe_customer_id is not distinct from ?', [client.stripe_customer_id])
      .update({ mapping_status: next.status, stripe_customer_id: next.customerId, mapping_source: next.source, updated_at: clock.now() })
      .returning(COLUMNS)) as ClientMappingRow[];
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('MAPPING_CUSTOMER_TAKEN', { cause: err });
    throw err;
  }
  const row = updated[0];
  if (!row) throw new AppError('MAPPING_CONFLICT');
  await recordAudit(scope, {
    actor: audit.actor,
    action: audit.action,
    subjectType: 'client',
    subjectId: client.id,
    clientId: client.id,
    details: {
      before: { status: client.mapping_status, stripeCustomerId: client.stripe_customer_id, source: client.mapping_source },
      after: { status: row.mapping_status, stripeCustomerId: row.stripe_customer_id, source: row.mapping_source },
      ...audit.details,
    },
    ip: audit.ip,
    requestId: audit.requestId,
  }, clock);
  return row;
}
