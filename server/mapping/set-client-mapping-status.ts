// Ignore, un-ignore and unmap. Each is idempotent (asking for the state the client is already in
// changes nothing and writes no audit entry) and never calls Stripe.
import type { Clock } from '../clock';
import type { InstallationScope } from '../db/tenant-scope';
import { AppError } from '../http/app-error';
import { applyMappingChange, connectionLivemode, loadClientForMapping, toMappingView, type ChangeMeta, type ClientMappingView } from './apply-mapping-change';

export type MappingStatusAction = 'ignore' | 'unignore' | 'unmap';

/** Ignored clients get no online payment options; ignoring a mapped client drops its mapping. */
export async function setClientMappingStatus(
  scope: InstallationScope,
  options: ChangeMeta & { clientId: string; action: MappingStatusAction },
  clock: Clock,
): Promise<ClientMappingView> {
  const row = await scope.transaction(async (tx) => {
    const client = await loadClientForMapping(tx, options.clientId);
    const from = client.mapping_status;
    switch (options.action) {
      case 'ignore':
        if (from === 'ignored') return client;
        return applyMappingChange(tx, client, { status: 'ignored', customerId: null, source: null }, { ...options, action: 'mapping.ignored' }, clock);
      case 'unignore':
        if (from === 'unmapped') return client;
        if (from !== 'ignored') throw new AppError('MAPPING_CONFLICT', { message: 'Only an ignored client can be un-ignored.' });
        return applyMappingChange(tx, client, { status: 'unmapped', customerId: null, source: null }, { ...options, action: 'mapping.unignored' }, clock);
      case 'unmap':
        if (from === 'unmapped') return client;
        if (from !== 'mapped') throw new AppError('MAPPING_CONFLICT', { message: 'This client is ignored, not mapped.' });
        return applyMappingChange(tx, client, { status: 'unmapped', customerId: null, source: null }, { ...options, action: 'mapping.unmapped' }, clock);
      default: {
        const never: never = options.action;
        throw new Error(`unknown action ${String(never)}`);
      }
    }
  });
  return toMappingView(row, await connectionLivemode(scope));
}
