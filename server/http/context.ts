import type { Knex } from 'knex';
import type { Config } from '../config/config';
import type { Clock } from '../clock';
import type { SecretBox } from '../crypto/secret-box';
import type { JobQueue } from '../jobs/job-queue';
import type { Logger } from '../logger';
import type { StripeClients } from '../stripe/stripe-clients';
import type { StripePlatform } from '../stripe/stripe-platform';

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
  /** The durable job queue, when this process runs jobs (JOBS_ENABLED); null or absent otherwise. */
  readonly queue?: JobQueue | null;
  /** Settle as a Stripe OAuth platform ("Connect with Stripe"); null when not configured. */
  readonly stripePlatform?: StripePlatform | null;
}
