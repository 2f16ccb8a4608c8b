import { Badge } from '../../../ui-kit/components/badge';
import type { Tone } from '../../../ui-kit/invoice-status';
import type { ClientAutopayView } from './use-autopay';

const CLIENT: Record<ClientAutopayView['state'], [Tone, string]> = {
  on: ['success', 'On'],
  off: ['neutral', 'Off'],
  paused: ['warning', 'Paused'],
  not_ready: ['danger', 'Can’t charge'],
};

export function ClientAutopayBadge({ state }: { state: ClientAutopayView['state'] }) {
  const [tone, label] = CLIENT[state];
  return <Badge tone={tone}>{label}</Badge>;
}

const PLAN: Record<string, [Tone, string]> = {
  scheduled: ['info', 'Scheduled'],
  retry_scheduled: ['warning', 'Retry scheduled'],
  in_flight: ['info', 'In progress'],
  skipped: ['neutral', 'Skipped'],
  stopped: ['danger', 'Stopped'],
  needs_authentication: ['warning', 'Needs authentication'],
  not_payable: ['neutral', 'Nothing to charge'],
  autopay_off: ['neutral', 'Autopay off'],
  paused: ['warning', 'Paused'],
  no_method: ['danger', 'No usable method'],
  above_maximum: ['neutral', 'Above maximum'],
};

export function PlanBadge({ state }: { state: string }) {
  const [tone, label] = PLAN[state] ?? ['neutral', state.replaceAll('_', ' ')];
  return <Badge tone={tone}>{label}</Badge>;
}

const OUTCOME: Record<string, [Tone, string]> = {
  succeeded: ['success', 'Succeeded'],
  processing: ['info', 'Processing'],
  failed: ['danger', 'Failed'],
  requires_action: ['warning', 'Needs authentication'],
  in_flight: ['info', 'In progress'],
  pending: ['info', 'In progress'],
  unknown: ['warning', 'Awaiting Stripe'],
  skipped: ['neutral', 'Skipped'],
};

export function OutcomeBadge({ outcome }: { outcome: string }) {
  const [tone, label] = OUTCOME[outcome] ?? ['neutral', outcome];
  return <Badge tone={tone}>{label}</Badge>;
}
