import type { Knex } from 'knex';
import type { Config } from '../config/config';
import type { Clock } from '../clock';
import type { SecretBox } from '../crypto/secret-box';
import type { Logger } from '../logger';
import type { StripeClients } from '../stripe/stripe-clients';

/** What every route and domain function may depend on; built once in main.ts (or a test). */
export interface AppContext {
  readonly config: Config;
  readonly db: Knex;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Seals and opens secrets at rest (AES-256-GCM, ENCRYPTION_KEY with rotation). */
  readonly secrets: SecretBox;
  /** Stripe SDK clients per installation (Stripe or the built-in emulator, decided at boot). */
  readonly stripe: StripeClients;
}
