// payment_intent.succeeded: The payment succeeded (cards at once, ACH after processing).
// A trigger only: syncPaymentIntent() re-fetches the object from Stripe and converges. An intent
// Settle did not create (a payment made elsewhere for a mapped customer) is imported by the ledger
// and run through the matching engine.
import { importExternalPaymentIntent } from '../../ledger/import-bank-transfer';
import { syncPaymentIntent } from '../../payments/sync-payment-intent';
import type { WebhookHandler } from './webhook-handler';

export const handlePaymentIntentSucceeded: WebhookHandler<'payment_intent.succeeded'> = async ({ event, sync }) => {
  const result = await syncPaymentIntent({ ...sync, paymentIntentId: event.data.object.id });
  if (result.outcome !== 'not_ours') return result;
  return importExternalPaymentIntent({ ...sync, paymentIntentId: event.data.object.id });
};
