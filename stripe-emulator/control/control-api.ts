import type { Emulator } from '../core/emulator.js';
import { accountIdForKey } from '../core/ids.js';
import { accountForKey, connectAccount, createOAuthState } from '../core/emulator-state.js';
import { authenticate } from '../http/authenticate.js';
import { accountKeys, type AccountKeys } from '../resources/oauth/account-key-handlers.js';
import type { FaultConfig } from '../faults/fault-config.js';
import type { IdempotencyStore } from '../http/idempotency.js';
import type { DeliveryAttempt } from '../webhooks/webhook-dispatcher.js';
import type { WebhookDeliveryConfig } from '../webhooks/webhook-config.js';
import { randomAlphanumeric } from '../core/ids.js';

/** In-process control of a running emulator (the same operations exist under `/_emulator`). */
export interface EmulatorControl {
  setFaults(partial: Partial<FaultConfig>): FaultConfig;
  getFaults(): FaultConfig;
  setWebhookDelivery(partial: Partial<WebhookDeliveryConfig>): WebhookDeliveryConfig;
  /** Resolves when every queued webhook delivery has succeeded or given up. */
  webhooksIdle(): Promise<void>;
  webhookAttempts(): DeliveryAttempt[];
  /** Moves the emulator clock forward and runs transitions that became due. */
  advanceTime(seconds: number): void;
  /** Forgets all accounts, objects, idempotency keys, deliveries and faults. */
  reset(): void;
  accountIdForKey(secretKey: string): string;
  /** Connects an account to the key's platform (for `Stripe-Account`); returns its id. */
  connectAccount(secretKey: string, accountId?: string): string;
  /** Writes the snapshot file now (no-op without `snapshotFile`). */
  saveSnapshot(): Promise<void>;
  /**
   * Account id, publishable key (`pk_test_…`, for Stripe.js / the stand-in) and OAuth client id
   * (`ca_…`) of the account a secret key or OAuth access token acts on. Same as
   * `GET /_emulator/accounts/keys`.
   */
  accountKeys(secretKey: string): AccountKeys;
}

export function createControl(em: Emulator, idempotency: IdempotencyStore, save: () => Promise<void>): EmulatorControl {
  return {
    setFaults: (partial) => em.faults.update(partial),
    getFaults: () => em.faults.config,
    setWebhookDelivery: (partial) => em.webhooks.update(partial),
    webhooksIdle: () => em.webhooks.idle(),
    webhookAttempts: () => [...em.webhooks.attempts],
    advanceTime(seconds) {
      em.clock.advance(seconds * 1000);
      em.scheduler.runDueGlobal();
      em.changed();
    },
    reset() {
      em.state.accounts.clear();
      em.state.oauth = createOAuthState();
      em.scheduler.clear();
      em.webhooks.clear();
      em.faults.reset();
      idempotency.clear();
      em.clock.setOffset(0);
      em.changed();
    },
    accountIdForKey,
    connectAccount(secretKey, accountId) {
      const platform = accountForKey(em.state, secretKey);
      const id = accountId ?? `acct_${randomAlphanumeric(16)}`;
      connectAccount(em.state, platform.id, id);
      em.changed();
      return id;
    },
    saveSnapshot: save,
    accountKeys(secretKey) {
      const id = authenticate(em, `Bearer ${secretKey}`, undefined).account.id;
      em.changed();
      return accountKeys(id);
    },
  };
}
