// The client's default payment method (preselected when paying). Only a verified method can be the
// default; at most one per client (the payment_methods_one_default index backs this up).
import type { ClientScope } from '../db/tenant-scope';
import { AppError } from '../http/app-error';
import type { AppContext } from '../http/context';
import { loadPaymentMethod, paymentMethodView } from './list-payment-methods';
import type { PaymentMethodView } from './payment-method-view';
import { auditPortalChange, type PortalActor } from './portal-request';

export async function setDefaultPaymentMethod(ctx: AppContext, scope: ClientScope, actor: PortalActor, id: string): Promise<PaymentMethodView> {
  await scope.transaction(async (tx) => {
    // One default per client: serialize on the client row.
    await tx.from('clients').forUpdate().first('id');
    const row = await loadPaymentMethod(tx, id, { forUpdate: true });
    if (row.status !== 'active') throw new AppError('PAYMENT_METHOD_NOT_USABLE');
    if (row.is_default) return;
    const now = ctx.clock.now();
    const previous = (await tx.from('payment_methods').where({ is_default: true }).whereNot('id', id).forUpdate().select('id')) as Array<{ id: string }>;
    if (previous.length) {
      await tx
        .from('payment_methods')
        .whereIn(
          'id',
          previous.map((p) => p.id),
        )
        .update({ is_default: false, updated_at: now });
    }
    await tx.from('payment_methods').where({ id }).update({ is_default: true, updated_at: now });
    await auditPortalChange(
      tx,
      actor,
      { action: 'payment_method.default_set', subjectType: 'payment_method', subjectId: id, details: { previousDefaultId: previous[0]?.id ?? null } },
      ctx.clock,
    );
  });
  return paymentMethodView(scope, id, ctx.clock);
}
