// The client's payment methods as a technician sees them: the portal's view of each method (same
// statuses and verification progress) plus who entered it — the client, a sync from Stripe, or a
// technician on the client's behalf with the authorization they confirmed — and, while a bank
// account awaits micro-deposits, Stripe's hosted verification page to pass on to the client.
import type { Clock } from '../clock';
import type { InstallationScope } from '../db/tenant-scope';
import { AppError } from '../http/app-error';
import { listPaymentMethods } from '../portal-payment-methods/list-payment-methods';
import type { PaymentMethodView } from '../portal-payment-methods/payment-method-view';
import type { AuthorizationChannel } from './authorization-texts';
import { staffAutopayView, type StaffAutopayView } from './staff-autopay';

export interface EnteredBy {
  kind: 'client' | 'technician' | 'sync';
  /** The staff member's or portal user's name, when known. */
  name: string | null;
  at: string;
  authorization: null | { channel: AuthorizationChannel; version: string; text: string; authorizedAt: string; mandate: 'offline' | 'online' | null };
}

export interface StaffPaymentMethodView extends PaymentMethodView {
  enteredBy: EnteredBy;
  hostedVerificationUrl: string | null;
}

interface EntryRow {
  id: string;
  added_by_kind: EnteredBy['kind'];
  created_at: Date;
  authorization_channel: AuthorizationChannel | null;
  authorization_version: string | null;
  authorization_text: string | null;
  authorized_at: Date | null;
  mandate_acceptance: { type?: 'offline' | 'online' } | string | null;
  hosted_verification_url: string | null;
  staff_name: string | null;
  portal_name: string | null;
}

export async function listStaffPaymentMethods(scope: InstallationScope, clientId: string, clock: Clock): Promise<{ methods: StaffPaymentMethodView[]; autopay: StaffAutopayView }> {
  if (!(await scope.from('clients').where({ id: clientId }).first('id'))) throw new AppError('CLIENT_NOT_FOUND');
  const { methods } = await listPaymentMethods(scope.forClient(clientId), clock);
  const autopay = await staffAutopayView(scope, clientId);
  if (methods.length === 0) return { methods: [], autopay };
  const rows = (await scope
    .from('payment_methods')
    .leftJoin('staff_users as s', (j) => j.on('s.installation_id', 'payment_methods.installation_id').andOn('s.id', 'payment_methods.added_by_id').andOnVal('payment_methods.added_by_kind', 'technician'))
    .leftJoin('portal_users as u', (j) => j.on('u.installation_id', 'payment_methods.installation_id').andOn('u.id', 'payment_methods.added_by_id').andOnVal('payment_methods.added_by_kind', 'client'))
    .where('payment_methods.client_id', clientId)
    .whereIn('payment_methods.id', methods.map((m) => m.id))
    .select(
      'payment_methods.id',
      'payment_methods.added_by_kind',
      'payment_methods.created_at',
      'payment_methods.authorization_channel',
      'payment_methods.authorization_version',
      'payment_methods.authorization_text',
      'payment_methods.authorized_at',
      'payment_methods.mandate_acceptance',
      'payment_methods.hosted_verification_url',
      's.name as staff_name',
      'u.name as portal_name',
    )) as EntryRow[];
  const byId = new Map(rows.map((r) => [r.id, r]));
  return {
    autopay,
    methods: methods.map((m) => {
      const r = byId.get(m.id)!;
      const mandate = typeof r.mandate_acceptance === 'string' ? (JSON.parse(r.mandate_acceptance) as { type?: 'offline' | 'online' }) : r.mandate_acceptance;
      return {
        ...m,
        enteredBy: {
          kind: r.added_by_kind,
          name: r.staff_name ?? r.portal_name ?? null,
          at: new Date(r.created_at).toISOString(),
          authorization:
            r.authorization_channel && r.authorization_version && r.authorization_text && r.authorized_at
              ? { channel: r.authorization_channel, version: r.authorization_version, text: r.authorization_text, authorizedAt: new Date(r.authorized_at).toISOString(), mandate: mandate?.type ?? null }
              : null,
        },
        hostedVerificationUrl: m.status === 'pending_verification' && m.verification ? r.hosted_verification_url : null,
      };
    }),
  };
}
