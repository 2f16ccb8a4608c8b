// payout.paid: A payout reached the MSP bank account.
// A trigger only: importPayout() re-fetches the payout and imports the balance transactions it
// settled (all pages, resumable, idempotent) with the totals the payouts page and CSV show.
import { importPayout } from '../../payouts/import-payout';
import type { WebhookHandler } from './webhook-handler';

export const handlePayoutPaid: WebhookHandler<'payout.paid'> = ({ event, sync }) => importPayout({ ...sync, payoutId: event.data.object.id });
