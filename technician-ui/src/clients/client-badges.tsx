import { Badge } from '../../../ui-kit/components/badge';
import type { MappingStatus, PortalAccess } from './types';

export function MappingStatusBadge({ status }: { status: MappingStatus }) {
  switch (status) {
    case 'mapped':
      return (
        <Badge tone="success" title="Linked to a Stripe customer">
          Mapped
        </Badge>
      );
    case 'unmapped':
      return (
        <Badge tone="warning" title="Not linked to a Stripe customer yet">
          Unmapped
        </Badge>
      );
    case 'ignored':
      return (
        <Badge tone="neutral" title="Excluded from Stripe billing">
          Ignored
        </Badge>
      );
    default: {
      const unknown: never = status;
      return <Badge tone="neutral">{String(unknown)}</Badge>;
    }
  }
}

/** `compact` reads "On"/"Off" for a column already headed "Autopay". */
export function AutopayBadge({ enabled, compact = false }: { enabled: boolean; compact?: boolean }) {
  const label = compact ? (enabled ? 'On' : 'Off') : enabled ? 'Autopay on' : 'Autopay off';
  return <Badge tone={enabled ? 'success' : 'neutral'}>{label}</Badge>;
}

export function PortalAccessBadge({ access }: { access: PortalAccess }) {
  switch (access) {
    case 'active':
      return <Badge tone="success">Active</Badge>;
    case 'invited':
      return (
        <Badge tone="info" title="Invited; has not signed in yet">
          Invited
        </Badge>
      );
    case 'none':
      return <Badge tone="neutral">No access</Badge>;
    default: {
      const unknown: never = access;
      return <Badge tone="neutral">{String(unknown)}</Badge>;
    }
  }
}
