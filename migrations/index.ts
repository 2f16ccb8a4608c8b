// The ordered list of migrations. Add new files here as well as in this folder; a test checks that
// every file in the folder is listed.
import type { Knex } from 'knex';
import * as initialSchema from './20261123000001_initial_schema';
import * as webhooks from './20261123000002_webhooks';
import * as psaSync from './20261123000003_psa_sync';
import * as mapping from './20261123000004_mapping';
import * as marketplace from './20261123000005_marketplace';
import * as oauthStates from './20261123000006_oauth_states';
import * as eventLedgerAckCost from './20261123000007_event_ledger_ack_cost';
import * as portalPayments from './20261123000008_portal_payments';
import * as notifications from './20261205000009_notifications';
import * as ledger from './20261205000011_ledger';
import * as appUi from './20261205000012_app_ui';
import * as staffEnteredMethods from './20261205000014_staff_entered_methods';
import * as autopaySkip from './20261205000013_autopay_skip';
import * as liveEventsPolled from './20261205000016_live_events_polled';
import * as summaryTriggersCheap from './20261205000017_summary_triggers_cheap';

export const migrations: Record<string, Knex.Migration> = {
  '20261123000001_initial_schema': initialSchema,
  '20261123000002_webhooks': webhooks,
  '20261123000003_psa_sync': psaSync,
  '20261123000004_mapping': mapping,
  '20261123000005_marketplace': marketplace,
  '20261123000006_oauth_states': oauthStates,
  '20261123000007_event_ledger_ack_cost': eventLedgerAckCost,
  '20261123000008_portal_payments': portalPayments,
  '20261205000009_notifications': notifications,
  '20261205000011_ledger': ledger,
  '20261205000012_app_ui': appUi,
  '20261205000014_staff_entered_methods': staffEnteredMethods,
  '20261205000013_autopay_skip': autopaySkip,
  '20261205000016_live_events_polled': liveEventsPolled,
  '20261205000017_summary_triggers_cheap': summaryTriggersCheap,
};
