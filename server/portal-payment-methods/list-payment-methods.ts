// The client's saved payment methods, for the portal. Read-only.
import type { Clock } from '../clock';
import type { ClientScope } from '../db/tenant-scope';
import { AppError } from '../http/app-error';
import { localDate } from '../installations/local-date';
import { achMandateText } from './consent-texts';
import { PAYMENT_METHOD_COLUMNS, toPaymentMethodView, type PaymentMethodRow, type PaymentMethodView, type ViewContext } from './payment-method-view';

export interface InstallationInfo {
  name: string;
  currency: string;
  timezone: string;
}

export async function installationInfo(scope: ClientScope): Promise<InstallationInfo> {
  return (await scope.db('installations').where({ id: scope.installationId }).first('name', 'currency', 'timezone')) as InstallationInfo;
}

export async function viewContext(scope: ClientScope, clock: Clock): Promise<ViewContext> {
  const inst = await installationInfo(scope);
  const client = (await scope.from('clients').first('autopay_enabled', 'autopay_payment_method_id')) as
    | { autopay_enabled: boolean; autopay_payment_method_id: string | null }
    | undefined;
  return {
    autopayMethodId: client?.autopay_enabled ? client.autopay_payment_method_id : null,
    today: localDate(clock.now(), inst.timezone),
    timezone: inst.timezone,
  };
}

/** One of this client's methods (not removed), or PAYMENT_METHOD_NOT_FOUND — also for other clients' ids. */
export async function loadPaymentMethod(scope: ClientScope, id: string, options: { forUpdate?: boolean } = {}): Promise<PaymentMethodRow> {
  const q = scope.from('payment_methods').where('payment_methods.id', id).whereNot('payment_methods.status', 'detached');
  if (options.forUpdate) q.forUpdate();
  const row = (await q.first(PAYMENT_METHOD_COLUMNS)) as PaymentMethodRow | undefined;
  if (!row) throw new AppError('PAYMENT_METHOD_NOT_FOUND');
  return row;
}

export async function paymentMethodView(scope: ClientScope, id: string, clock: Clock): Promise<PaymentMethodView> {
  const row = await loadPaymentMethod(scope, id);
  return toPaymentMethodView(row, await viewContext(scope, clock));
}

/**
 * The methods a client can see and use: every method not removed, except setups that never got a
 * payment method (the dialog was closed before confirming) — those stay invisible. Default first,
 * then newest. Also the ACH debit authorization text to show before adding a bank account.
 */
export async function listPaymentMethods(scope: ClientScope, clock: Clock): Promise<{ methods: PaymentMethodView[]; achMandateText: string }> {
  const ctx = await viewContext(scope, clock);
  const inst = await installationInfo(scope);
  const rows = (await scope
    .from('payment_methods')
    .whereNot('payment_methods.status', 'detached')
    .whereNotNull('payment_methods.stripe_payment_method_id')
    .orderBy([
      { column: 'payment_methods.is_default', order: 'desc' },
      { column: 'payment_methods.created_at', order: 'desc' },
      { column: 'payment_methods.id', order: 'asc' },
    ])
    .select(PAYMENT_METHOD_COLUMNS)) as PaymentMethodRow[];
  return { methods: rows.map((r) => toPaymentMethodView(r, ctx)), achMandateText: achMandateText(inst.name) };
}
