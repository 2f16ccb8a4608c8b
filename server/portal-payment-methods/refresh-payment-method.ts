// After Stripe.js confirmed a setup (or whenever the page wants the truth), re-sync the method's
// SetupIntent from Stripe. The same convergent sync the webhooks run; nothing is guessed locally.
import type { ClientScope } from '../db/tenant-scope';
import type { AppContext } from '../http/context';
import { loadPaymentMethod, paymentMethodView } from './list-payment-methods';
import type { PaymentMethodView } from './payment-method-view';
import { auditPortalChange, type PortalActor } from './portal-request';
import { portalStripe } from './portal-stripe';
import { settleVerificationBookkeeping, syncMethodFromStripe } from './sync-method-state';

export async function refreshPaymentMethod(ctx: AppContext, scope: ClientScope, actor: PortalActor, id: string): Promise<PaymentMethodView> {
  const before = await loadPaymentMethod(scope, id);
  if (before.setup_intent_id) {
    const stripe = await portalStripe(ctx, scope);
    await syncMethodFromStripe(ctx, scope, stripe, before);
  }
  await scope.transaction(async (tx) => {
    const after = await settleVerificationBookkeeping(tx, id, ctx.clock);
    if (after.status !== before.status) {
      await auditPortalChange(
        tx,
        actor,
        {
          action: after.status === 'active' ? 'payment_method.verified' : 'payment_method.status_changed',
          subjectType: 'payment_method',
          subjectId: id,
          details: { from: before.status, to: after.status, type: after.type, via: 'refresh' },
        },
        ctx.clock,
      );
    }
  });
  return paymentMethodView(scope, id, ctx.clock);
}
