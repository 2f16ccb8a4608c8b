// What the technician's client page shows about a paused autopay: the reason recorded on the client,
// since when (the latest `autopay.paused` audit entry), and what to do. Read-only.
import type { InstallationScope } from '../db/tenant-scope';
import { AppError } from '../http/app-error';

export interface AutopayPauseView {
  autopayEnabled: boolean;
  pause: { reason: string; pausedAt: string | null; nextStep: string } | null;
}

export const PAUSE_NEXT_STEP =
  'Ask the client to choose another verified card or bank account under Autopay in the billing portal; that resumes autopay. Until then their invoices are not charged automatically.';

export async function getAutopayPause(scope: InstallationScope, clientId: string): Promise<AutopayPauseView> {
  const client = (await scope.from('clients').where({ id: clientId }).first('autopay_enabled', 'autopay_paused_reason')) as
    | { autopay_enabled: boolean; autopay_paused_reason: string | null }
    | undefined;
  if (!client) throw new AppError('CLIENT_NOT_FOUND');
  if (!client.autopay_enabled || !client.autopay_paused_reason) return { autopayEnabled: client.autopay_enabled, pause: null };
  const entry = (await scope.from('audit_log').where({ client_id: clientId, action: 'autopay.paused' }).orderBy('id', 'desc').first('at', 'actor_type', 'actor_label')) as
    | { at: Date; actor_type: string; actor_label: string | null }
    | undefined;
  // A technician's pause (server/autopay/actions) is lifted the same way it was made.
  const nextStep = entry?.actor_type === 'staff' ? `${entry.actor_label ?? 'A technician'} paused autopay. Resume it from the Autopay card on this client’s Overview when it should charge again.` : PAUSE_NEXT_STEP;
  return { autopayEnabled: true, pause: { reason: client.autopay_paused_reason, pausedAt: entry?.at.toISOString() ?? null, nextStep } };
}
