import type { Knex } from 'knex';
import type { Config } from '../config/config';
import type { Clock } from '../clock';
import type { Logger } from '../logger';

/** What every route and domain function may depend on; built once in main.ts (or a test). */
export interface AppContext {
  readonly config: Config;
  readonly db: Knex;
  readonly clock: Clock;
  readonly logger: Logger;
}
