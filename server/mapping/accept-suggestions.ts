import type { Clock } from '../clock';
import type { InstallationScope } from '../db/tenant-scope';
import { AppError } from '../http/app-error';
import { applyMappingChange, type ChangeMeta, type ClientMappingRow } from './apply-mapping-change';

export type AcceptSelection = { minConfidence: number } | { clientIds: string[] };

export type SkipReason = 'no_suggestion' | 'not_unmapped' | 'customer_taken' | 'changed';

export interface AcceptSuggestionsResult {
  accepted: Array<{ clientId: string; customerId: string; confidence: number }>;
  skipped: Array<{ clientId: string; reason: SkipReason }>;
}

interface Candidate extends ClientMappingRow {
  customer_id: string;
  confidence: number;
  reason: string;
}

const CHUNK = 100;

/**
 * Maps clients to their top suggestion: every unmapped client whose top suggestion reaches
 * `minConfidence`, or the listed clients. Strongest first, so when two clients want one customer
 * the more confident wins and the other is reported as skipped (`customer_taken`). Each mapping is
 * its own conditional update with an audit entry; safe to repeat (already mapped clients are
 * skipped). Uses the last import's view of Stripe; never calls Stripe.
 */
export async function acceptSuggestions(scope: InstallationScope, selection: AcceptSelection, meta: ChangeMeta, clock: Clock): Promise<AcceptSuggestionsResult> {
  const q = scope
    .from('clients')
    .join('mapping_suggestions as s', (j) => j.on('s.installation_id', 'clients.installation_id').andOn('s.client_id', 'clients.id').andOnVal('s.rank', 1))
    .join('stripe_customer_cache as cc', (j) => j.on('cc.installation_id', 'clients.installation_id').andOn('cc.customer_id', 's.customer_id').andOnVal('cc.deleted', false))
    .select('clients.id', 'clients.name', 'clients.email', 'clients.psa_ref', 'clients.mapping_status', 'clients.stripe_customer_id', 'clients.mapping_source', 's.customer_id', 's.confidence', 's.reason')
    .orderBy('s.confidence', 'desc')
    .orderBy('clients.id', 'asc');
  if ('minConfidence' in selection) q.where('clients.mapping_status', 'unmapped').where('s.confidence', '>=', selection.minConfidence);
  else q.whereIn('clients.id', selection.clientIds);
  const candidates = (await q) as Candidate[];

  const result: AcceptSuggestionsResult = { accepted: [], skipped: [] };
  if ('clientIds' in selection) {
    const found = new Set(candidates.map((c) => c.id));
    for (const id of selection.clientIds) if (!found.has(id)) result.skipped.push({ clientId: id, reason: 'no_suggestion' });
  }
  for (let i = 0; i < candidates.length; i += CHUNK) {
    await scope.transaction(async (tx) => {
      for (const c of candidates.slice(i, i + CHUNK)) {
        if (c.mapping_status !== 'unmapped') {
          result.skipped.push({ clientId: c.id, reason: 'not_unmapped' });
          continue;
        }
        try {
          // A savepoint per client: one refusal does not undo the others.
          await tx.transaction((one) =>
            applyMappingChange(one, c, { status: 'mapped', customerId: c.customer_id, source: 'suggestion' }, { ...meta, action: 'mapping.mapped', details: { confidence: Number(c.confidence), reason: c.reason } }, clock),
          );
          result.accepted.push({ clientId: c.id, customerId: c.customer_id, confidence: Number(c.confidence) });
        } catch (err) {
          if (!(err instanceof AppError)) throw err;
          if (err.code === 'MAPPING_CUSTOMER_TAKEN') result.skipped.push({ clientId: c.id, reason: 'customer_taken' });
          else if (err.code === 'MAPPING_CONFLICT') result.skipped.push({ clientId: c.id, reason: 'changed' });
          else throw err;
        }
      }
    });
  }
  return result;
}
