import type { Emulator } from '../core/emulator.js';
import type { ScheduledTask } from '../core/scheduler.js';
import type { ExtraControlHandler } from '../control/handle-control-request.js';
import { Router } from '../http/router.js';
import { accountRoutes } from './accounts/account-routes.js';
import { chargeRoutes } from './charges/charge-routes.js';
import { restrictedKeyHandler } from './restricted-keys/restricted-keys.js';
import { customerRoutes } from './customers/customer-routes.js';
import { eventRoutes } from './events/event-routes.js';
import { hostedMicrodepositsPage } from './hosted-microdeposits-page.js';
import { mandateRoutes } from './mandates/mandate-routes.js';
import { settleBankPayment } from './payment-intents/confirm-payment-intent.js';
import { paymentIntentRoutes } from './payment-intents/payment-intent-routes.js';
import { paymentMethodRoutes } from './payment-methods/payment-method-routes.js';
import { failSetupIntentMicrodeposits } from './setup-intents/save-setup-intent.js';
import { setupIntentRoutes } from './setup-intents/setup-intent-routes.js';
import { testClockRoutes } from './test-clocks/test-clock-routes.js';
import { cashBalanceRoutes } from './cash-balance/cash-balance-routes.js';
import { disputeRoutes } from './disputes/dispute-routes.js';
import { accountKeyHandlers } from './oauth/account-key-handlers.js';
import { failPaymentIntentMicrodeposits } from './payment-intents/verify-payment-intent-microdeposits.js';
import { settleRefund } from './refunds/create-refund.js';
import { refundRoutes } from './refunds/refund-routes.js';
import { threeDSecurePage } from './three-d-secure/three-d-secure-page.js';
import { webhookEndpointRoutes } from './webhook-endpoints/webhook-endpoint-routes.js';
import { balanceTransactionRoutes } from './balance-transactions/balance-transaction-routes.js';
import { payoutControlHandler, payoutRoutes } from './payouts/payout-routes.js';

export function buildRouter(): Router {
  return new Router()
    .add(customerRoutes)
    .add(paymentMethodRoutes)
    .add(setupIntentRoutes)
    .add(paymentIntentRoutes)
    .add(chargeRoutes)
    .add(mandateRoutes)
    .add(eventRoutes)
    .add(webhookEndpointRoutes)
    .add(testClockRoutes)
    .add(refundRoutes)
    .add(disputeRoutes)
    .add(cashBalanceRoutes)
    .add(balanceTransactionRoutes)
    .add(payoutRoutes)
    .add(accountRoutes);
}

/** Dispatches a due scheduled task to the domain transition it stands for. */
export function runScheduledTask(em: Emulator, task: ScheduledTask): void {
  const account = em.state.accounts.get(task.accountId);
  if (!account) return;
  switch (task.kind) {
    case 'settle_payment_intent': {
      const rec = account.paymentIntents.get(task.targetId);
      if (rec) settleBankPayment(em, account, rec);
      break;
    }
    case 'microdeposit_timeout':
    case 'microdeposit_failed': {
      const reason = task.kind === 'microdeposit_timeout' ? 'timeout' : 'failed';
      const si = account.setupIntents.get(task.targetId);
      if (si) failSetupIntentMicrodeposits(em, account, si, reason);
      const pi = account.paymentIntents.get(task.targetId);
      if (pi) failPaymentIntentMicrodeposits(em, account, pi, reason);
      break;
    }
    case 'settle_refund': {
      const rec = account.refunds.get(task.targetId);
      if (rec) settleRefund(em, account, rec);
      break;
    }
    default: {
      const never: never = task.kind;
      throw new Error(`unknown task ${String(never)}`);
    }
  }
  em.changed();
}

export function extraControlHandlers(em: Emulator): ExtraControlHandler[] {
  return [hostedMicrodepositsPage(em), threeDSecurePage(em), ...accountKeyHandlers(em), restrictedKeyHandler(em), payoutControlHandler(em)];
}
