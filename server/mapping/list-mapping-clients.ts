import { toCount } from '../db/database';
import type { InstallationScope } from '../db/tenant-scope';
import { connectionLivemode, type MappingStatus } from './apply-mapping-change';
import type { MatchKind } from './suggest-matches';
import { stripeDashboardCustomerUrl } from './stripe-dashboard-url';

export interface MappingClientView {
  id: string;
  name: string;
  email: string | null;
  psaRef: string;
  mappingStatus: MappingStatus;
  mappingSource: string | null;
  stripeCustomerId: string | null;
  /** Name and email of the mapped customer as of the last import (null if not imported yet). */
  stripeCustomer: { name: string | null; email: string | null } | null;
  stripeDashboardUrl: string | null;
  /** The best suggestion of the last import, for unmapped clients. */
  suggestion: { customerId: string; name: string | null; email: string | null; confidence: number; reason: string; kind: MatchKind } | null;
}

export type MappingFilter = 'all' | MappingStatus;

export interface ListMappingClientsOptions {
  status: MappingFilter;
  search?: string | undefined;
  page: number;
  pageSize: number;
}

interface Row {
  id: string;
  name: string;
  email: string | null;
  psa_ref: string;
  mapping_status: MappingStatus;
  mapping_source: string | null;
  stripe_customer_id: string | null;
  m_name: string | null;
  m_email: string | null;
  m_known: string | null;
  s_customer_id: string | null;
  s_confidence: unknown;
  s_reason: string | null;
  s_kind: MatchKind | null;
  s_name: string | null;
  s_email: string | null;
}

/**
 * Clients with their mapping status, mapped customer and top suggestion, a page at a time.
 * Unmapped clients with the most confident suggestions come first. Read-only.
 */
export async function listMappingClients(
  scope: InstallationScope,
  options: ListMappingClientsOptions,
): Promise<{ clients: MappingClientView[]; page: number; pageSize: number; total: number; counts: Record<MappingStatus, number>; livemode: boolean }> {
  const filtered = () => {
    const q = scope.from('clients');
    if (options.status !== 'all') q.where('clients.mapping_status', options.status);
    const term = options.search?.trim();
    if (term) {
      const like = `%${term.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      q.andWhere((w) =>
        w.whereRaw('lower(clients.name) like ?', [like]).orWhereRaw('lower(clients.email) like ?', [like]).orWhereRaw('lower(clients.psa_ref) like ?', [like]).orWhere('clients.stripe_customer_id', term),
      );
    }
    return q;
  };
  const total = toCount(((await filtered().count({ n: '*' }).first()) as { n: unknown }).n);
  const rows = (await filtered()
    .leftJoin('stripe_customer_cache as mc', (j) => j.on('mc.installation_id', 'clients.installation_id').andOn('mc.customer_id', 'clients.stripe_customer_id'))
    .leftJoin('mapping_suggestions as s', (j) =>
      j.on('s.installation_id', 'clients.installation_id').andOn('s.client_id', 'clients.id').andOnVal('s.rank', 1).andOnVal('clients.mapping_status', 'unmapped'),
    )
    .leftJoin('stripe_customer_cache as sc', (j) => j.on('sc.installation_id', 'clients.installation_id').andOn('sc.customer_id', 's.customer_id'))
    .select(
      'clients.id', 'clients.name', 'clients.email', 'clients.psa_ref', 'clients.mapping_status', 'clients.mapping_source', 'clients.stripe_customer_id',
      'mc.name as m_name', 'mc.email as m_email', 'mc.customer_id as m_known',
      's.customer_id as s_customer_id', 's.confidence as s_confidence', 's.reason as s_reason', 's.kind as s_kind', 'sc.name as s_name', 'sc.email as s_email',
    )
    .orderByRaw("case clients.mapping_status when 'unmapped' then 0 when 'mapped' then 1 else 2 end, s.confidence desc nulls last, lower(clients.name) asc, clients.id asc")
    .limit(options.pageSize)
    .offset((options.page - 1) * options.pageSize)) as Row[];

  const countRows = (await scope.from('clients').groupBy('mapping_status').select('mapping_status').count({ n: '*' })) as Array<{ mapping_status: MappingStatus; n: unknown }>;
  const counts: Record<MappingStatus, number> = { unmapped: 0, mapped: 0, ignored: 0 };
  for (const r of countRows) counts[r.mapping_status] = toCount(r.n);
  const livemode = await connectionLivemode(scope);

  return {
    clients: rows.map((r) => ({
      id: r.id,
      name: r.name,
      email: r.email,
      psaRef: r.psa_ref,
      mappingStatus: r.mapping_status,
      mappingSource: r.mapping_source,
      stripeCustomerId: r.stripe_customer_id,
      stripeCustomer: r.m_known ? { name: r.m_name, email: r.m_email } : null,
      stripeDashboardUrl: r.stripe_customer_id ? stripeDashboardCustomerUrl(r.stripe_customer_id, livemode) : null,
      suggestion: r.s_customer_id
        ? { customerId: r.s_customer_id, name: r.s_name, email: r.s_email, confidence: Number(r.s_confidence), reason: r.s_reason ?? '', kind: r.s_kind ?? 'name' }
        : null,
    })),
    page: options.page,
    pageSize: options.pageSize,
    total,
    counts,
    livemode,
  };
}
