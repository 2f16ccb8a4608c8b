// Money that reaches the MSP without a Settle payment behind it becomes one, and goes through the
// matching engine for its client:
// - a bank transfer into a Stripe customer's cash balance (customer_cash_balance_transaction of type
//   `funded`): source `bank_transfer`, keyed by the transaction id;
// - a Stripe payment made elsewhere (the Dashboard, another integration) for a mapped customer: a
//   succeeded PaymentIntent without Settle's metadata, source `stripe`, keyed by the intent id.
// Both are idempotent by that key (a unique index), so duplicate and reordered webhooks, and the
// `cash_balance.funds_available` sweep of the same transactions, import each one once.
import type Stripe from 'stripe';
import { recordAudit } from '../audit/record-audit';
import type { InstallationScope } from '../db/tenant-scope';
import type { StripeSyncOptions, SyncOutcome } from '../stripe/stripe-sync-options';
import { idOf } from '../stripe/stripe-sync-options';
import { queueWriteBacks } from './queue-write-backs';
import { defaultMatcher, reconcilePayment } from './reconcile-payment';

interface NewPayment {
  client_id: string | null;
  source: 'bank_transfer' | 'stripe';
  amount: number;
  currency: string;
  method_type: string;
  method_label: string;
  reference: string | null;
  payer_name: string | null;
  payer_email: string | null;
  received_at: Date;
  stripe_source_id?: string;
  stripe_payment_intent_id?: string;
  stripe_charge_id?: string | null;
}

async function clientForCustomer(scope: InstallationScope, customerId: string | null): Promise<string | null> {
  if (!customerId) return null;
  const row = (await scope.from('clients').where({ stripe_customer_id: customerId }).first('id')) as { id: string } | undefined;
  return row?.id ?? null;
}

/** Inserts the payment (or finds it already imported) and runs the engine once. */
async function importPayment(options: StripeSyncOptions, p: NewPayment, conflict: 'stripe_source_id' | 'stripe_payment_intent_id'): Promise<{ outcome: SyncOutcome }> {
  const { scope, clock } = options;
  return scope.transaction(async (tx) => {
    const now = clock.now();
    const insert = tx.insert('payments', { ...p, status: 'succeeded', succeeded_at: now, created_by_kind: 'system', created_at: now, updated_at: now });
    const rows = (await (conflict === 'stripe_source_id' ? insert.onConflict(['installation_id', 'stripe_source_id']) : insert.onConflict('stripe_payment_intent_id')).ignore().returning('id')) as Array<{ id: string }>;
    const paymentId = rows[0]?.id;
    if (!paymentId) return { outcome: 'unchanged' as const };
    const result = await reconcilePayment(tx, paymentId, { matcher: defaultMatcher, actor: { kind: 'system', id: null } }, clock);
    await recordAudit(tx, { actor: { type: 'system', id: null, label: 'stripe' }, action: p.source === 'bank_transfer' ? 'payment.bank_transfer_received' : 'payment.stripe_payment_imported', subjectType: 'payment', subjectId: paymentId, clientId: p.client_id, details: { amount: p.amount, currency: p.currency, reference: p.reference, outcome: result.outcome } }, clock);
    await queueWriteBacks(tx, [paymentId, ...result.paymentIds], clock);
    return { outcome: 'updated' as const };
  });
}

function bankTransferPayment(txn: Stripe.CustomerCashBalanceTransaction, clientId: string | null): NewPayment {
  const transfer = txn.funded?.bank_transfer;
  const reference = transfer?.reference ?? null;
  const sender = (transfer as { us_bank_transfer?: { sender_name?: string | null } } | undefined)?.us_bank_transfer?.sender_name ?? null;
  return {
    client_id: clientId,
    source: 'bank_transfer',
    amount: txn.net_amount,
    currency: txn.currency.toUpperCase(),
    method_type: 'bank_transfer',
    method_label: `Bank transfer${reference ? ` ${reference}` : ''}`.slice(0, 200),
    reference,
    payer_name: sender,
    payer_email: null,
    received_at: new Date(txn.created * 1000),
    stripe_source_id: txn.id,
  };
}

/**
 * customer_cash_balance_transaction.created: re-fetches the transaction and imports it when it is a
 * funding (money arrived). Idempotent; never changes Stripe (the funds stay in the cash balance).
 */
export async function importCashBalanceTransaction(options: StripeSyncOptions & { customerId: string; transactionId: string }): Promise<{ outcome: SyncOutcome }> {
  const txn = await options.stripe.customers.retrieveCashBalanceTransaction(options.customerId, options.transactionId);
  if (txn.type !== 'funded' || txn.net_amount <= 0) return { outcome: 'unchanged' };
  const clientId = await clientForCustomer(options.scope, options.customerId);
  return importPayment(options, bankTransferPayment(txn, clientId), 'stripe_source_id');
}

/**
 * cash_balance.funds_available: imports every funding of the customer's cash balance not imported
 * yet (all pages). Converges with the per-transaction event; idempotent.
 */
export async function importCashBalance(options: StripeSyncOptions & { customerId: string }): Promise<{ outcome: SyncOutcome }> {
  const clientId = await clientForCustomer(options.scope, options.customerId);
  let outcome: SyncOutcome = 'unchanged';
  for await (const txn of options.stripe.customers.listCashBalanceTransactions(options.customerId, { limit: 100 })) {
    if (txn.type !== 'funded' || txn.net_amount <= 0) continue;
    if ((await importPayment(options, bankTransferPayment(txn, clientId), 'stripe_source_id')).outcome === 'updated') outcome = 'updated';
  }
  return { outcome };
}

/**
 * A succeeded PaymentIntent Settle has no row for: imported when it has no Settle metadata and its
 * customer is mapped to a client (otherwise `not_ours`, nothing written). Idempotent.
 */
export async function importExternalPaymentIntent(options: StripeSyncOptions & { paymentIntentId: string }): Promise<{ outcome: SyncOutcome }> {
  const pi = await options.stripe.paymentIntents.retrieve(options.paymentIntentId);
  const settleMade = Object.keys(pi.metadata ?? {}).some((k) => k.startsWith('settle_'));
  if (pi.status !== 'succeeded' || settleMade || pi.amount_received <= 0) return { outcome: 'not_ours' };
  const clientId = await clientForCustomer(options.scope, idOf(pi.customer));
  if (!clientId) return { outcome: 'not_ours' };
  return importPayment(
    options,
    {
      client_id: clientId,
      source: 'stripe',
      amount: pi.amount_received,
      currency: pi.currency.toUpperCase(),
      method_type: 'stripe',
      method_label: 'Stripe payment',
      reference: pi.description ?? null,
      payer_name: null,
      payer_email: pi.receipt_email ?? null,
      received_at: new Date(pi.created * 1000),
      stripe_payment_intent_id: pi.id,
      stripe_charge_id: idOf(pi.latest_charge),
    },
    'stripe_payment_intent_id',
  );
}
