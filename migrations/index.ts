// The ordered list of migrations. Add new files here as well as in this folder; a test checks that
// every file in the folder is listed.
import type { Knex } from 'knex';
import * as initialSchema from './20261123000001_initial_schema';
import * as marketplace from './20261123000005_marketplace';

export const migrations: Record<string, Knex.Migration> = {
  '20261123000001_initial_schema': initialSchema,
  '20261123000005_marketplace': marketplace,
};
