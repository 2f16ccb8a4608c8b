import type { InstallationSettings, InstallationSettingsView } from '../../../server/installations/installation-settings';
import type { StripeConnectionView } from '../../../server/stripe/connection-view';
import type { EndpointHealth, WebhookHealth } from '../../../server/webhooks/get-webhook-health';

export type { EndpointHealth, InstallationSettingsView, StripeConnectionView, WebhookHealth };

/** The body of `PUT /settings`: the settings plus the installation's currency and timezone. */
export type SettingsInput = InstallationSettings & { currency: string; timezone: string };
export type ConnectionMode = NonNullable<StripeConnectionView['mode']>;
export type StripePermission = StripeConnectionView['permissions'][number];

export interface SettingsResponse {
  settings: InstallationSettingsView;
}

export interface ConnectionResponse {
  connection: StripeConnectionView;
}

export interface MappingCountsResponse {
  counts: Record<'unmapped' | 'mapped' | 'ignored', number>;
  total: number;
}

export const SETUP_STEPS = ['connect', 'methods', 'mapping', 'done'] as const;
export type SetupStep = (typeof SETUP_STEPS)[number];
