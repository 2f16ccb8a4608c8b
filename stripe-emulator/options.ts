import type { FaultConfig } from './faults/fault-config.js';
import type { WebhookDeliveryConfig } from './webhooks/webhook-config.js';

export interface StripeEmulatorOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /** Persist state to this JSON file: loaded on start, saved (debounced) on change and on close. */
  snapshotFile?: string;
  snapshotDebounceMs?: number;
  /**
   * Real-time delay before an ACH debit (or a failing micro-deposit send) resolves for customers
   * without a test clock. Customers on a test clock use business days of test-clock time instead.
   */
  bankSettlementDelayMs?: number;
  /** Micro-deposit flavour for new verifications; default `descriptor_code`. */
  microdepositType?: 'amounts' | 'descriptor_code';
  /** Accept any `Stripe-Account: acct_…` header as a connected account (default true). */
  autoConnectAccounts?: boolean;
  webhooks?: Partial<WebhookDeliveryConfig>;
  faults?: Partial<FaultConfig>;
}

export interface ResolvedOptions {
  port: number;
  host: string;
  snapshotFile: string | null;
  snapshotDebounceMs: number;
  bankSettlementDelayMs: number;
  microdepositType: 'amounts' | 'descriptor_code';
  autoConnectAccounts: boolean;
}

export function resolveOptions(options: StripeEmulatorOptions): ResolvedOptions {
  return {
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    snapshotFile: options.snapshotFile ?? null,
    snapshotDebounceMs: options.snapshotDebounceMs ?? 250,
    bankSettlementDelayMs: options.bankSettlementDelayMs ?? 3000,
    microdepositType: options.microdepositType ?? 'descriptor_code',
    autoConnectAccounts: options.autoConnectAccounts ?? true,
  };
}
